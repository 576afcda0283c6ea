// node --import tsx bench/verdict-sim.ts: the verdict rule on synthetic heap series, the
// first edition's rule (Sen's 95 % interval, one 30 s window) beside the sequential looks
// (VERDICT.md §2–§5, verdict.ts judgeLook) of this checkout and, with
// VERDICT_SIM_BEFORE=<another checkout> (e.g. main's), of that one: today's rule beside the new.
// Limit 512 KiB/min, 200 req/s, 1 s samples after a 15 s warm-up, looks at 30/60/90/120 s.
// Noise: quiesced readings 4 KiB independent; correlated heap noise AR(1) φ = 0.5, sd 615 KiB.
// Runs per scenario: VERDICT_SIM_RUNS (default 500). Seeded: the table is the same every time.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { detectableLeak } from '../src/analysis/detectable.js'
import { lookTimesSec, lookZ } from '../src/analysis/looks.js'
import { slopeIntervalBlocks, Z_95 } from '../src/analysis/interval.js'
import type { Point } from '../src/analysis/point.js'
import { trend } from '../src/analysis/trend.js'
import * as verdictNow from '../src/analysis/verdict.js'
import { judgeAgainst } from '../src/analysis/verdict.js'
import type { LookRecord, Sample } from '../src/model.js'
import { ar1, normalSource, uniformSource } from '../test/helpers/synthetic.js'
import { median } from './stats.js'

const KiB = 1024
const MiB = 1024 * KiB
const LIMIT_PER_SEC = (512 * KiB) / 60
const REQUESTS_PER_SEC = 200
const WARMUP_SEC = 15
const LOOKS_SEC = lookTimesSec(30, 120)
const Z = lookZ(LOOKS_SEC.length)
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
/**
 * A container that reallocates by `factor` when full (a map or bytes.Buffer doubles, a large
 * slice grows by about 1.25): `bytesPerRequest` of content held in an array of the next size
 * up from 64 KiB, at `fill` of the array at most (a map's load factor 7/8). Content stops
 * growing at `boundBytes` (a map over a bounded key space).
 */
const reallocating =
  (bytesPerRequest: number, factor: number, fill = 1, boundBytes = Infinity) =>
  (t: number) => {
    const content = Math.min(bytesPerRequest * REQUESTS_PER_SEC * t, boundBytes)
    const first = 64 * KiB
    const size =
      content <= first * fill
        ? first
        : first * factor ** Math.ceil(Math.log(content / (first * fill)) / Math.log(factor))
    return size
  }
/** 12 MiB/min in a straight line (1 KiB a request) until `cornerSec` of sampling, then flat: an LRU or ring at capacity. */
const hockeyStick = (cornerSec: number) => (t: number) =>
  1024 * REQUESTS_PER_SEC * Math.min(t, WARMUP_SEC + cornerSec)
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
  { label: 'leak 256 B/req (4× the limit)', level: leak(256), noise: quiet },
  // Staircases: containers that reallocate when full.
  { label: 'map leak 150 B/req (doubles, 7/8 full)', level: reallocating(150, 2, 7 / 8), noise: quiet },
  { label: 'bytes.Buffer leak 100 B/req (doubles)', level: reallocating(100, 2), noise: quiet },
  { label: 'slice leak 96 B/req (×1.25)', level: reallocating(96, 1.25), noise: quiet },
  { label: 'map leak 64 B/req (doubles)', level: reallocating(64, 2, 7 / 8), noise: quiet },
  {
    label: 'map leak 150 B/req + AR(1) φ = 0.5',
    level: reallocating(150, 2, 7 / 8),
    noise: correlated
  },
  {
    label: 'bounded map (doubles, stops at 3 MiB)',
    level: reallocating(150, 2, 7 / 8, 3 * MiB),
    noise: quiet
  },
  {
    label: 'one-off 4 MiB allocation at 10 s',
    level: (t) => (t >= WARMUP_SEC + 10 ? 4 * MiB : 0),
    noise: quiet
  },
  {
    label: 'leak 64 B/req + bounded map',
    level: (t) => leak(64)(t) + reallocating(150, 2, 7 / 8, 3 * MiB)(t),
    noise: quiet
  },
  // Hockey sticks: a cache with a new key per request, linear until full, then flat.
  ...[20, 40, 50, 70, 100].map((corner) => ({
    label: `hockey stick, corner at ${corner} s`,
    level: hockeyStick(corner),
    noise: quiet
  })),
  { label: 'hockey stick, corner at 40 s + AR(1) φ = 0.5', level: hockeyStick(40), noise: correlated },
  ...[40, 70].map((corner) => ({
    label: `leak 64 B/req + hockey stick, corner at ${corner} s`,
    level: (t: number) => leak(64)(t) + hockeyStick(corner)(t),
    noise: quiet
  }))
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

type VerdictModule = Pick<typeof verdictNow, 'judgeLook' | 'heapFailedAt'>

/** The sequential looks of `rules` (a checkout's analysis/verdict.ts), as the gate's run.ts calls them. */
function design(points: Point[], rules: VerdictModule): Result {
  const samples: Sample[] = points.map((p) => ({
    t: p.t - WARMUP_SEC,
    liveHeapBytes: p.v,
    liveHeapObjects: null,
    goroutines: 10,
    rssBytes: null
  }))
  const looks: LookRecord[] = []
  for (const [index, lookSec] of LOOKS_SEC.entries()) {
    const { record, stop } = rules.judgeLook({
      samples: samples.filter((s) => s.t <= lookSec),
      index,
      count: LOOKS_SEC.length,
      atSec: lookSec,
      limits: { heap: { value: LIMIT_PER_SEC, per: 'second' }, goroutines: null },
      requestsPerSec: REQUESTS_PER_SEC,
      heapFailed: rules.heapFailedAt(looks)?.decisions.heap,
      previous: looks.at(-1),
      warmupSec: WARMUP_SEC
    })
    looks.push(record)
    if (!stop) continue
    const decision = record.decisions.heap!
    const t = trend(
      points.filter((p) => p.t <= WARMUP_SEC + lookSec),
      Z
    )!
    const catchable = detectableLeak(t.sePerSec, LIMIT_PER_SEC, Z, REQUESTS_PER_SEC)
    return {
      outcome: decision.outcome === 'continue' ? 'inconclusive' : decision.outcome,
      seconds: lookSec,
      rule: decision.rule,
      catchablePerRequest: catchable.perRequest!
    }
  }
  throw new Error('the last look always decides')
}

const beforeDir = process.env.VERDICT_SIM_BEFORE
const before: VerdictModule | null = beforeDir
  ? ((await import(pathToFileURL(resolve(beforeDir, 'src/analysis/verdict.ts')).href)) as VerdictModule)
  : null

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
  `limit ${LIMIT_PER_SEC.toFixed(0)} B/s (${(LIMIT_PER_SEC / REQUESTS_PER_SEC).toFixed(1)} B/req), looks ${LOOKS_SEC.join('/')} s, z ${Z.toFixed(3)}, ${RUNS} runs a row${beforeDir ? `; before: ${beforeDir}` : ''}\n`
)
console.log(
  `| scenario | first edition f/i/p % |${before ? ' before f/i/p % | before mean s |' : ''} now f/i/p % | now mean s | inconclusive because | catchable B/req (median) |`
)
console.log(`|---|---|${before ? '---|---|' : ''}---|---|---|---|`)
const started = performance.now()
for (const [index, scenario] of SCENARIOS.entries()) {
  const normal = normalSource(1000 + index)
  const uniform = uniformSource(2000 + index)
  const runs = { today: [] as Result[], before: [] as Result[], now: [] as Result[] }
  for (let run = 0; run < RUNS; run++) {
    const n = LOOKS_SEC[LOOKS_SEC.length - 1] + 1
    const phase = uniform()
    const noise = scenario.noise(normal, n)
    const points = noise.map((e, i) => ({ t: WARMUP_SEC + i, v: scenario.level(WARMUP_SEC + i, phase) + e }))
    runs.today.push(today(points))
    if (before) runs.before.push(design(points, before))
    runs.now.push(design(points, verdictNow))
  }
  const catchable = median(runs.now.map((r) => r.catchablePerRequest!))
  const beforeCells = before ? ` ${fip(runs.before)} | ${meanSeconds(runs.before)} |` : ''
  console.log(
    `| ${scenario.label} | ${fip(runs.today)} |${beforeCells} ${fip(runs.now)} | ${meanSeconds(runs.now)} | ${reasonsOfInconclusive(runs.now)} | ${catchable.toFixed(1)} |`
  )
}
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`)
