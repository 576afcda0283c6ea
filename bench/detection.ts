// npm run bench:detection: every fixture R times with the default limits, a table of
// verdicts, the measured growth against the designed leak, and the time each run took.
// R: MEMGATE_BENCH_RUNS (default 5). Runs are sequential: each one is a real service under load.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../src/config.js'
import { FIXTURES } from '../src/demo.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import type { Report } from '../src/model.js'
import { formatBytes } from '../src/units.js'
import { median, spread } from './stats.js'

interface Case {
  label: string
  fixture: string
  env: string
  /** Bytes kept per request by design (before container overhead); goroutines for goroutine-leak. */
  leakPerRequest: number
  series: 'heap' | 'goroutines'
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
    label: 'heap-leak 256 B/request',
    fixture: 'heap-leak',
    env: 'LEAK_BYTES=256',
    leakPerRequest: 256,
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
    label: 'closure-leak 512 B/request',
    fixture: 'closure-leak',
    env: '',
    leakPerRequest: 512,
    series: 'heap'
  },
  {
    // "GET / " repeated 24 times: a 144-byte string kept per request.
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
  }
]

const runs = Number(process.env.MEMGATE_BENCH_RUNS ?? 5)
if (!Number.isInteger(runs) || runs < 1)
  throw new Error('MEMGATE_BENCH_RUNS must be a whole number of 1 or more')
const only = process.env.MEMGATE_BENCH_ONLY

async function once(c: Case): Promise<{ report: Report; seconds: number }> {
  const port = await freePort()
  const raw: RawInputs = {
    'working-directory': join(FIXTURES, c.fixture),
    env: `ADDR=127.0.0.1:${port}\n${c.env}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`
  }
  const outDir = mkdtempSync(join(tmpdir(), 'memgate-bench-'))
  const started = Date.now()
  try {
    const { report } = await runGate(parseConfig(raw), {
      outDir,
      repoRoot: FIXTURES,
      configRecord: describeConfig(raw),
      log: () => {}
    })
    return { report, seconds: (Date.now() - started) / 1000 }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

const rows: string[] = [
  `| fixture | runs | pass | inconclusive | fail | designed leak /req | measured /req: median (min … max) | growth/min (median) | 95% CI width/min (median) | seconds/run |`,
  '|---|---|---|---|---|---|---|---|---|---|'
]
for (const c of CASES.filter((c) => !only || c.fixture === only)) {
  const verdicts = { pass: 0, inconclusive: 0, fail: 0 }
  const perRequest: number[] = []
  const perMin: number[] = []
  const ciWidth: number[] = []
  const seconds: number[] = []
  for (let r = 0; r < runs; r++) {
    const { report, seconds: s } = await once(c)
    const head = report.runs.head
    const t = head.trends[c.series]!
    verdicts[report.verdict]++
    seconds.push(s)
    perMin.push(t.slopePerSec * 60)
    ciWidth.push((t.ciHigh - t.ciLow) * 60)
    const rate = head.load.achievedRatePerSec ?? NaN
    perRequest.push(t.slopePerSec / rate)
    process.stderr.write(
      `${c.label} #${r + 1}: ${report.verdict} ${(t.slopePerSec * 60).toFixed(1)}/min ${report.reasons[0] ?? ''}\n`
    )
  }
  const fmt = (v: number) => (c.series === 'heap' ? formatBytes(v) : v.toFixed(2))
  rows.push(
    `| ${c.label} | ${runs} | ${verdicts.pass} | ${verdicts.inconclusive} | ${verdicts.fail} | ${fmt(c.leakPerRequest)} | ${spread(perRequest, fmt)} | ${fmt(median(perMin))} | ${fmt(median(ciWidth))} | ${median(seconds).toFixed(0)} |`
  )
}
process.stdout.write(
  `\nDetection with the default inputs (go-memgate bench:detection, R=${runs})\n\n${rows.join('\n')}\n`
)
