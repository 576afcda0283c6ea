// node --import tsx bench/verdict-sim.ts: the verdict rule on synthetic heap series, today's
// rule (Sen's 95 % interval, one 30 s window) beside the sequential design (VERDICT.md §2–§5).
// Limit 512 KiB/min, 200 req/s, 1 s samples after a 15 s warm-up, looks at 30/60/90/120 s.
// Noise: quiesced readings 4 KiB independent; correlated heap noise AR(1) φ = 0.5, sd 615 KiB.
// Runs per scenario: VERDICT_SIM_RUNS (default 500). Seeded: the table is the same every time.
import { detectableLeak } from '../src/analysis/detectable.js'
import { decideLook, lookTimesSec, lookZ } from '../src/analysis/looks.js'
import { slopeIntervalBlocks, Z_95 } from '../src/analysis/interval.js'
import type { Point } from '../src/analysis/point.js'
import { trend } from '../src/analysis/trend.js'
import { judgeAgainst } from '../src/analysis/verdict.js'
import { ar1, normalSource, uniformSource } from '../test/helpers/synthetic.js'
import { median } from './stats.js'

const KiB = 1024
const MiB = 1024 * KiB
const LIMIT_PER_SEC = (512 * KiB) / 60
const REQUESTS_PER_SEC = 200
const WARMUP_SEC = 15
const LOOKS_SEC = lookTimesSec(30, 120)
const Z = lookZ(LOOKS_SEC.length)
/** The alternative the design's simulation used: no fail before 60 s, fail budget over 3 looks. */
const Z_FAIL_FROM_SECOND_LOOK = lookZ(LOOKS_SEC.length - 1)
const RUNS = Number(process.env.VERDICT_SIM_RUNS ?? 500)

type Noise = (normal: () => number, n: number) => number[]
const quiet: Noise = (normal, n) => ar1(normal, n, 0, 4 * KiB)
const correlated: Noise = (normal, n) => ar1(normal, n, 0.5, 615 * KiB)

/** 3 MiB over a bounded key space (8,000 keys of ~400 B) filling with time constant τ. */
const cacheFill = (tauSec: number) => (t: number) => 3 * MiB * (1 - Math.exp(-t / tauSec))
const leak =
  (bytesPerRequest: number, fromSec = 0) =>
  (t: number) =>
    bytesPerRequest * REQUESTS_PER_SEC * Math.max(0, t - fromSec)
/** A buffer that grows 1 MiB a minute, flushed every `periodSec`; `phase` of a period when the service starts. */
const flushedBuffer = (periodSec: number) => (t: number, phase: number) =>
  ((t + phase * periodSec) % periodSec) * (MiB / 60)

interface Scenario {
  label: string
  /** Heap above its start, t in seconds since the service started; phase uniform in [0, 1) per run. */
  level: (t: number, phase: number) => number
  noise: Noise
}

const SCENARIOS: Scenario[] = [
  { label: 'quiet clean', level: () => 0, noise: quiet },
  { label: 'cache fill τ = 10 s', level: cacheFill(10), noise: quiet },
  { label: 'cache fill τ = 20 s', level: cacheFill(20), noise: quiet },
  { label: 'cache fill τ = 40 s', level: cacheFill(40), noise: quiet },
  { label: 'cache fill τ = 60 s', level: cacheFill(60), noise: quiet },
  { label: 'buffer 1 MiB flushed every 60 s', level: flushedBuffer(60), noise: quiet },
  { label: 'buffer 0.5 MiB flushed every 25 s', level: flushedBuffer(25), noise: quiet },
  { label: 'AR(1) φ = 0.5, sd 615 KiB, clean', level: () => 0, noise: correlated },
  { label: 'leak 64 B/req, quiet', level: leak(64), noise: quiet },
  { label: 'leak 64 B/req + AR(1) φ = 0.5', level: leak(64), noise: correlated },
  {
    label: 'leak 64 B/req + cache fill τ = 10 s',
    level: (t) => leak(64)(t) + cacheFill(10)(t),
    noise: quiet
  },
  {
    label: 'leak 64 B/req + cache fill τ = 30 s',
    level: (t) => cacheFill(30)(t) + leak(64)(t),
    noise: quiet
  },
  { label: 'leak 64 B/req from 30 s', level: leak(64, 30), noise: quiet },
  { label: 'leak 20 B/req (below the limit)', level: leak(20), noise: quiet },
  { label: 'leak 256 B/req (4× the limit)', level: leak(256), noise: quiet }
]

interface Result {
  outcome: 'pass' | 'fail' | 'inconclusive'
  seconds: number
  rule?: string
  catchablePerRequest?: number
}

/** Today: one 30 s window, Sen's plain 95 % interval, the late slope from the second half. */
function today(points: Point[]): Result {
  const window = points.filter((p) => p.t <= WARMUP_SEC + LOOKS_SEC[0])
  // Sen's plain interval is this interval with the residuals taken as independent.
  const plain = (p: Point[]) => slopeIntervalBlocks([p], Z_95, { rho: 0, binFactor: 1 })!
  const whole = plain(window)
  const late = plain(window.slice(window.length >> 1))
  const { outcome } = judgeAgainst(whole.low, whole.high, late.slopePerSec, LIMIT_PER_SEC)
  return { outcome, seconds: LOOKS_SEC[0] }
}

/** The design; `failFromSecondLook` holds back fails at the first look and reads them at 2.39. */
function design(points: Point[], failFromSecondLook: boolean): Result {
  for (const [index, lookSec] of LOOKS_SEC.entries()) {
    const window = points.filter((p) => p.t <= WARMUP_SEC + lookSec)
    const lastLook = index === LOOKS_SEC.length - 1
    const look = (z: number) => {
      const t = trend(window, z)!
      return { t, ...decideLook({ trend: t, limitPerSec: LIMIT_PER_SEC, lastLook }) }
    }
    let decision = look(Z)
    if (failFromSecondLook && index === 0 && decision.outcome === 'fail') {
      decision = { ...decision, outcome: 'continue' }
    } else if (failFromSecondLook && index > 0 && decision.outcome !== 'pass') {
      const forFail = look(Z_FAIL_FROM_SECOND_LOOK)
      if (forFail.outcome === 'fail') decision = forFail
    }
    if (decision.outcome !== 'continue') {
      const catchable = detectableLeak(decision.t.sePerSec, LIMIT_PER_SEC, Z, REQUESTS_PER_SEC)
      return {
        outcome: decision.outcome,
        seconds: lookSec,
        rule: decision.rule,
        catchablePerRequest: catchable.perRequest!
      }
    }
  }
  throw new Error('the last look always decides')
}

const percent = (results: Result[], outcome: Result['outcome']) =>
  Math.round((100 * results.filter((r) => r.outcome === outcome).length) / results.length)
const fip = (results: Result[]) =>
  `${percent(results, 'fail')}/${percent(results, 'inconclusive')}/${percent(results, 'pass')}`
const meanSeconds = (results: Result[]) =>
  Math.round(results.reduce((s, r) => s + r.seconds, 0) / results.length)

function reasonsOfInconclusive(results: Result[]): string {
  const counts = new Map<string, number>()
  for (const r of results)
    if (r.outcome === 'inconclusive') counts.set(r.rule!, (counts.get(r.rule!) ?? 0) + 1)
  return [...counts].map(([rule, n]) => `${rule} ${n}`).join(', ') || '–'
}

console.log(
  `limit ${LIMIT_PER_SEC.toFixed(0)} B/s (${(LIMIT_PER_SEC / REQUESTS_PER_SEC).toFixed(1)} B/req), looks ${LOOKS_SEC.join('/')} s, z ${Z.toFixed(3)}, ${RUNS} runs a row\n`
)
console.log(
  '| scenario | today f/i/p % | design f/i/p % | design mean s | inconclusive because | catchable B/req (median) | no fail before 60 s (z_fail 2.39) f/i/p % | mean s |'
)
console.log('|---|---|---|---|---|---|---|---|')
const started = performance.now()
for (const [index, scenario] of SCENARIOS.entries()) {
  const normal = normalSource(1000 + index)
  const uniform = uniformSource(2000 + index)
  const runs = { today: [] as Result[], design: [] as Result[], held: [] as Result[] }
  for (let run = 0; run < RUNS; run++) {
    const n = LOOKS_SEC[LOOKS_SEC.length - 1] + 1
    const phase = uniform()
    const noise = scenario.noise(normal, n)
    const points = noise.map((e, i) => ({ t: WARMUP_SEC + i, v: scenario.level(WARMUP_SEC + i, phase) + e }))
    runs.today.push(today(points))
    runs.design.push(design(points, false))
    runs.held.push(design(points, true))
  }
  const catchable = median(runs.design.map((r) => r.catchablePerRequest!))
  console.log(
    `| ${scenario.label} | ${fip(runs.today)} | ${fip(runs.design)} | ${meanSeconds(runs.design)} | ${reasonsOfInconclusive(runs.design)} | ${catchable.toFixed(1)} | ${fip(runs.held)} | ${meanSeconds(runs.held)} |`
  )
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`)
