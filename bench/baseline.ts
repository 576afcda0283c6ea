// npm run bench:baseline [-- --runs N --allowance 64KiB/min]
//   (or MEMGATE_BENCH_RUNS=N, MEMGATE_BENCH_ALLOWANCE=…; default 10 runs, the default allowance)
//
// How often the merge-base comparison raises a false alarm on a clean head over a
// clean base, and how often it detects a leaking head (64 B a request, about 1 MiB/min)
// over a clean base, with the absolute limits off so only the comparison judges, at
// default inputs otherwise (pairs added up to max-repeats while head − base is unclear).
// Each run is a whole gate: a temp repository, a worktree, builds, services.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { describeConfig, parseConfig } from '../src/config.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import type { Report, Verdict } from '../src/model.js'
import { formatByteRate } from '../src/units.js'
import { baselineInputs, fixtureRepo, SERVICE_ENV } from '../test/fixtures/repo.js'
import { median, printTable, secondsSpread, spread } from './stats.js'

const { values } = parseArgs({
  options: { runs: { type: 'string' }, allowance: { type: 'string' }, only: { type: 'string' } }
})
const runs = Number(values.runs ?? process.env.MEMGATE_BENCH_RUNS ?? 10)
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`bench:baseline: --runs (or MEMGATE_BENCH_RUNS) must be a whole number of 1 or more\n`)
  process.exit(2)
}
/** The heap allowance, as max-increase-over-baseline takes it; '' keeps the default. */
const allowance = values.allowance ?? process.env.MEMGATE_BENCH_ALLOWANCE ?? ''

interface Scenario {
  name: string
  head: string
  /** What a fail means here: a false alarm for the clean head, a detection for the leak. */
  counted: 'false alarms' | 'detections'
}

const SCENARIOS = (
  [
    { name: 'clean head vs clean base', head: 'clean', counted: 'false alarms' },
    { name: 'leaking head (64 B/request) vs clean base', head: 'heap-leak', counted: 'detections' }
  ] satisfies Scenario[]
).filter((s) => !values.only || s.head === values.only)

interface Outcome {
  verdict: Verdict
  baseSlope: number
  headSlope: number
  diff: number
  ciLow: number
  ciHigh: number
  pairs: number
  seconds: number
}

async function once(root: string, scenario: Scenario, i: number): Promise<Outcome> {
  const dir = fixtureRepo(join(root, `${scenario.head}-${i}`, 'repo'), 'clean', scenario.head)
  const raw = {
    ...baselineInputs(await freePort()),
    warmup: '',
    duration: '',
    'max-heap-growth': 'off',
    'max-goroutine-growth': 'off',
    'max-increase-over-baseline': allowance
  }
  const started = Date.now()
  const { report } = await runGate(parseConfig(raw), {
    outDir: join(dir, '..', 'out'),
    repoRoot: dir,
    configRecord: describeConfig(raw),
    log: () => {}
  })
  return outcome(report, (Date.now() - started) / 1000)
}

function outcome(report: Report, seconds: number): Outcome {
  const c = report.comparison?.heap
  if (!c || !report.runs.base?.trends.heap || !report.runs.head.trends.heap)
    throw new Error(`no heap comparison: ${report.notices.join('; ')}`)
  return {
    verdict: report.verdict,
    baseSlope: report.runs.base.trends.heap.slopePerSec,
    headSlope: report.runs.head.trends.heap.slopePerSec,
    diff: c.diffPerSec,
    ciLow: c.ciLow,
    ciHigh: c.ciHigh,
    pairs: report.comparison?.pairs ?? 1,
    seconds
  }
}

function row(scenario: Scenario, outcomes: Outcome[]): string[] {
  const count = (v: Verdict) => outcomes.filter((o) => o.verdict === v).length
  const rate = formatByteRate
  return [
    scenario.name,
    String(outcomes.length),
    `${count('fail')}/${outcomes.length} ${scenario.counted}`,
    `${count('fail')}/${count('inconclusive')}/${count('pass')}`,
    spread(
      outcomes.map((o) => o.baseSlope),
      rate
    ),
    spread(
      outcomes.map((o) => o.headSlope),
      rate
    ),
    spread(
      outcomes.map((o) => o.diff),
      rate
    ),
    rate(median(outcomes.map((o) => (o.ciHigh - o.ciLow) / 2))),
    `${outcomes.filter((o) => o.ciLow > 0 || o.ciHigh < 0).length}/${outcomes.length}`,
    spread(
      outcomes.map((o) => o.pairs),
      String
    ),
    secondsSpread(outcomes.map((o) => o.seconds))
  ]
}

const HEADER = [
  'scenario',
  'runs',
  'counted',
  'fail/inconcl./pass',
  'base heap slope: median (min … max)',
  'head heap slope',
  'head − base',
  'median CI half-width',
  'intervals excluding 0',
  'pairs: median (min … max)',
  'seconds per gate'
]

const ALLOC_NOTE = SERVICE_ENV.split('\n').join(', ')
const root = mkdtempSync(join(tmpdir(), 'memgate-bench-baseline-'))
try {
  const rows: string[][] = []
  for (const scenario of SCENARIOS) {
    const outcomes: Outcome[] = []
    for (let i = 1; i <= runs; i++) {
      const o = await once(root, scenario, i)
      outcomes.push(o)
      process.stderr.write(
        `${scenario.name} ${i}/${runs}: ${o.verdict}, head − base ${formatByteRate(o.diff)} (${formatByteRate(o.ciLow)} … ${formatByteRate(o.ciHigh)}), ${o.pairs} pair(s), ${o.seconds.toFixed(0)}s\n`
      )
    }
    rows.push(row(scenario, outcomes))
  }
  process.stdout.write(
    `\nbaseline: merge-base, default inputs (${ALLOC_NOTE}), allowed increase ${allowance || 'default (256 KiB/min)'}, absolute limits off\n\n`
  )
  printTable(HEADER, rows)
} finally {
  rmSync(root, { recursive: true, force: true })
}
