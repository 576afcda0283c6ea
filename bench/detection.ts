// npm run bench:detection: every fixture R times with the default limits, a table of
// verdicts, the measured growth against the designed leak, and the time each run took.
// R: MEMGATE_BENCH_RUNS (default 5). Runs are sequential: each one is a real service under load.
import type { Report } from '../src/model.js'
import { formatBytes } from '../src/units.js'
import { marker } from '../test/fixtures/services.js'
import { runFixture } from './run-fixture.js'
import { median, spread } from './stats.js'

interface Case {
  label: string
  fixture: string
  env: string
  /** Bytes kept per request by design (before container overhead); goroutines for goroutine-leak. */
  leakPerRequest: number
  series: 'heap' | 'goroutines'
  /** Read through the service's /metrics (a client_golang service without pprof). */
  metrics?: boolean
}

const CASES: Case[] = [
  {
    label: 'clean (1 MiB/request garbage, 8 MiB cache)',
    fixture: 'clean',
    env: '',
    leakPerRequest: 0,
    series: 'heap'
  },
  {
    label: 'clean, cache still filling 5 s into sampling',
    fixture: 'clean',
    env: 'CACHE_ENTRIES=4000',
    leakPerRequest: 0,
    series: 'heap'
  },
  {
    label: 'cache-fill (6,000 keys, τ ≈ 30 s)',
    fixture: 'cache-fill',
    env: '',
    leakPerRequest: 0,
    series: 'heap'
  },
  {
    label: 'lazy-workers (2,000 tenants, τ ≈ 10 s)',
    fixture: 'lazy-workers',
    env: '',
    leakPerRequest: 0,
    series: 'goroutines'
  },
  {
    label: 'flush-buffer (flushed every 25 s)',
    fixture: 'flush-buffer',
    env: '',
    leakPerRequest: 0,
    series: 'heap'
  },
  { label: 'noisy (AR(1) φ 0.5, sd 600 KiB)', fixture: 'noisy', env: '', leakPerRequest: 0, series: 'heap' },
  {
    label: 'heap-leak 256 B/request',
    fixture: 'heap-leak',
    env: 'LEAK_BYTES=256',
    leakPerRequest: 256,
    series: 'heap'
  },
  {
    label: 'heap-leak 64 B/request',
    fixture: 'heap-leak',
    env: 'LEAK_BYTES=64',
    leakPerRequest: 64,
    series: 'heap'
  },
  {
    label: 'heap-leak 32 B/request',
    fixture: 'heap-leak',
    env: 'LEAK_BYTES=32',
    leakPerRequest: 32,
    series: 'heap'
  },
  {
    label: 'cache-leak (64 B/request over a filling cache)',
    fixture: 'cache-leak',
    env: '',
    leakPerRequest: 64,
    series: 'heap'
  },
  {
    label: 'late-leak (256 B/request from 30 s)',
    fixture: 'late-leak',
    env: '',
    leakPerRequest: 256,
    series: 'heap'
  },
  {
    label: 'closure-leak 512 B/request',
    fixture: 'closure-leak',
    env: '',
    leakPerRequest: 512,
    series: 'heap'
  },
  // "GET / " repeated 24 times: a 144-byte string kept per request.
  {
    label: 'builder-leak 144 B/request',
    fixture: 'builder-leak',
    env: '',
    leakPerRequest: 144,
    series: 'heap'
  },
  {
    label: 'goroutine-leak 1/request',
    fixture: 'goroutine-leak',
    env: '',
    leakPerRequest: 1,
    series: 'goroutines'
  },
  {
    label: 'metrics-clean, read through /metrics',
    fixture: 'metrics-clean',
    env: 'RUNTIME_METRICS=gc',
    leakPerRequest: 0,
    series: 'heap',
    metrics: true
  },
  {
    label: 'metrics-leak 256 B/request, read through /metrics',
    fixture: 'metrics-leak',
    env: 'RUNTIME_METRICS=gc',
    leakPerRequest: 256,
    series: 'heap',
    metrics: true
  },
  // Containers that reallocate by doubling: the heap grows in steps that come further apart.
  {
    label: 'map-leak (map with inline values, ~150 B/request)',
    fixture: 'map-leak',
    env: '',
    leakPerRequest: 80,
    series: 'heap'
  },
  {
    label: 'buffer-leak (bytes.Buffer log, ~130 B/request)',
    fixture: 'buffer-leak',
    env: '',
    leakPerRequest: 130,
    series: 'heap'
  },
  {
    label: 'slice-leak (append to a []struct, 96 B/request)',
    fixture: 'slice-leak',
    env: '',
    leakPerRequest: 96,
    series: 'heap'
  },
  // Hockey sticks: a straight line, then flat once full (~50 s of load at 200 req/s).
  {
    label: 'lru-fill (golang-lru, 10,000 × 1 KiB, full at ~50 s)',
    fixture: 'lru-fill',
    env: '',
    leakPerRequest: 0,
    series: 'heap'
  },
  {
    label: 'ring-fill (last 10,000 × 1 KiB, full at ~50 s)',
    fixture: 'ring-fill',
    env: '',
    leakPerRequest: 0,
    series: 'heap'
  },
  {
    label: 'slow-goroutine-leak 1/100 requests',
    fixture: 'slow-goroutine-leak',
    env: '',
    leakPerRequest: 0.01,
    series: 'goroutines'
  }
]

const runs = Number(process.env.MEMGATE_BENCH_RUNS ?? 5)
if (!Number.isInteger(runs) || runs < 1)
  throw new Error('MEMGATE_BENCH_RUNS must be a whole number of 1 or more')
const only = process.env.MEMGATE_BENCH_ONLY?.split(',')
/** `off` measures the least-of-four readings under load instead of quiesced ones, for comparison. */
const quiesce = process.env.MEMGATE_BENCH_QUIESCE ?? 'on'

const once = (c: Case) =>
  runFixture(c.fixture, c.env, (port) => ({
    ...(c.metrics ? { 'metrics-url': `http://127.0.0.1:${port}/metrics` } : {}),
    quiesce
  }))

/** Sample-to-sample scatter of a series: the sd of successive differences over √2, robust to a trend. */
function scatter(values: number[]): number {
  const diffs = values.slice(1).map((v, i) => v - values[i])
  const mad = median(diffs.map((d) => Math.abs(d - median(diffs))))
  return (1.4826 * mad) / Math.SQRT2
}

/** Whether the first site (heap) or group (goroutines) the report names is the fixture's marked leak line. */
function namesLeakLine(report: Report, c: Case): boolean {
  const a = report.runs.head.attribution
  const first =
    c.series === 'heap'
      ? a?.heap.find((s) => !s.withinNoise && !s.kind)
      : a?.goroutines.find((g) => g.countGrowth > 0)
  const leak = marker(c.fixture)
  const isLeak = (s: { repoPath?: string; line: number } | undefined) =>
    s?.repoPath?.endsWith(leak.file.replace(/^test\/fixtures\/services\//, '')) === true &&
    s.line === leak.line
  // A container growing in steps is named by its judgement (analysis/container.ts).
  return isLeak(first) || report.judgements.some((j) => isLeak(j.container))
}

const header = [
  '| fixture | pass | inconcl. | fail | seconds sampled: median (max) | look stopped | measured /req: median (min … max) | smallest catchable /req (median) | leak line named | heap scatter (median) | pause/reading p50 | wall s/run |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|'
]
// Each row is printed as its fixture is done: a long bench stopped halfway keeps what it measured.
process.stdout.write(
  `Detection with the default inputs (go-memgate bench:detection, R=${runs}, quiesce ${quiesce})\n\n${header.join('\n')}\n`
)
for (const c of CASES.filter((c) => !only || only.includes(c.fixture))) {
  const verdicts = { pass: 0, inconclusive: 0, fail: 0 }
  const perRequest: number[] = []
  const catchable: number[] = []
  const sampled: number[] = []
  const looks: number[] = []
  const scatters: number[] = []
  const pauses: number[] = []
  const seconds: number[] = []
  let named = 0
  for (let r = 0; r < runs; r++) {
    const { report, seconds: s } = await once(c)
    const head = report.runs.head
    const t = head.trends[c.series]!
    verdicts[report.verdict]++
    seconds.push(s)
    sampled.push(head.durationSec)
    looks.push((head.looks.at(-1)?.index ?? 0) + 1)
    const rate = head.requestsPerSec ?? NaN
    perRequest.push(t.slopePerSec / rate)
    const d = head.detectable[c.series]
    if (d?.perRequest) catchable.push(d.perRequest)
    scatters.push(scatter(head.samples.map((x) => x.liveHeapBytes)))
    if (head.quiescence.pauseP50Ms !== null) pauses.push(head.quiescence.pauseP50Ms)
    if (c.leakPerRequest > 0 && namesLeakLine(report, c)) named++
    process.stderr.write(
      `${c.label} #${r + 1}: ${report.verdict} after ${head.durationSec.toFixed(0)}s ${(t.slopePerSec * 60).toFixed(1)}/min ${report.reasons[0] ?? ''}\n`
    )
  }
  const fmt = (v: number) =>
    c.series === 'heap' ? formatBytes(v) : v < 1 ? `1/${Math.round(1 / v)}` : v.toFixed(2)
  process.stdout.write(
    `| ${c.label} | ${verdicts.pass} | ${verdicts.inconclusive} | ${verdicts.fail} | ${median(sampled).toFixed(0)} (${Math.max(...sampled).toFixed(0)}) | ${median(looks)} | ${spread(perRequest, fmt)} | ${catchable.length ? fmt(median(catchable)) : '—'} | ${c.leakPerRequest > 0 ? `${named}/${runs}` : '—'} | ${formatBytes(median(scatters))} | ${pauses.length ? `${median(pauses).toFixed(0)} ms` : '—'} | ${median(seconds).toFixed(0)} |\n`
  )
}
