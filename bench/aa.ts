// npm run bench:aa: A/A calibration. The clean fixture service (as bench:baseline runs it)
// against itself, K pairs of runs of one build at default inputs (MEMGATE_BENCH_RUNS, default
// 10): the spread of b − a per series, the run-to-run spread τ it implies (the default
// baseline-noise-floor comes from its upper bound), and how the comparison would have
// judged each pair at the default allowance and at 64 KiB/min, with and without the floor.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  compareRuns,
  comparisonZ,
  type IncreaseLimits,
  type SpreadOptions
} from '../src/analysis/comparison.js'
import { parseConfig, type Config } from '../src/config.js'
import { FIXTURES } from '../src/demo.js'
import { freePort } from '../src/engine/free-port.js'
import { calibrate } from '../src/gate/calibrate.js'
import type { Run } from '../src/model.js'
import { renderCalibration } from '../src/report/calibration.js'
import { formatSignedRate } from '../src/units.js'
import { SERVICE_ENV } from '../test/fixtures/repo.js'

const pairs = Number(process.env.MEMGATE_BENCH_RUNS ?? 10)
if (!Number.isInteger(pairs) || pairs < 2) {
  process.stderr.write('bench:aa: MEMGATE_BENCH_RUNS must be a whole number of 2 or more\n')
  process.exit(2)
}

const KiB_MIN = 1024 / 60
const ALLOWANCES: [string, IncreaseLimits][] = [
  ['default, 256 KiB/min', { heap: 256 * KiB_MIN, goroutines: 5 / 60 }],
  ['tight, 64 KiB/min', { heap: 64 * KiB_MIN, goroutines: 5 / 60 }]
]

/** How one pair (b against a, as head against base) is judged: fails and intervals excluding 0. */
function judgePairs(runs: [Run, Run][], limits: IncreaseLimits, spread: SpreadOptions) {
  let fails = 0
  let excludingZero = 0
  for (const [a, b] of runs) {
    const { comparison, judgements } = compareRuns(b, a, limits, spread)
    if (judgements.some((j) => j.outcome === 'fail')) fails++
    const c = comparison.heap
    if (c && (c.ciLow > 0 || c.ciHigh < 0)) excludingZero++
  }
  return `${fails}/${runs.length} | ${excludingZero}/${runs.length}`
}

const port = await freePort()
const config: Config = parseConfig({
  'working-directory': '.',
  env: `ADDR=127.0.0.1:${port}\n${SERVICE_ENV.replace('LEAK_BYTES=64', '')}`,
  'pprof-url': `http://127.0.0.1:${port}/debug/pprof`
})
const outDir = mkdtempSync(join(tmpdir(), 'memgate-bench-aa-'))
try {
  const { calibration, runs } = await calibrate(config, {
    outDir,
    repoRoot: join(FIXTURES, 'clean'),
    pairs,
    log: (line) => {
      if (/^pair |: look /.test(line)) process.stderr.write(line + '\n')
    }
  })
  process.stdout.write(
    `\nA/A: the clean fixture (${SERVICE_ENV.split('\n').slice(0, 2).join(', ')}), default inputs, ${pairs} pairs\n\n`
  )
  process.stdout.write(renderCalibration(calibration) + '\n\n')
  process.stdout.write('| pair | heap a | heap b | b − a | goroutines b − a |\n|---|---|---|---|---|\n')
  runs.forEach(([a, b], i) => {
    const slope = (r: Run, s: 'heap' | 'goroutines') => r.trends[s]?.slopePerSec ?? NaN
    const rate = (v: number, unit: 'bytes' | 'count') => formatSignedRate(v, unit)
    process.stdout.write(
      `| ${i + 1} | ${rate(slope(a, 'heap'), 'bytes')} | ${rate(slope(b, 'heap'), 'bytes')} | ${rate(slope(b, 'heap') - slope(a, 'heap'), 'bytes')} | ${rate(slope(b, 'goroutines') - slope(a, 'goroutines'), 'count')} |\n`
    )
  })
  const z = comparisonZ(config.repeats, config.maxRepeats)
  const floors: [string, SpreadOptions['floorPerSec']][] = [
    ["none (each run's own interval)", { heap: 0, goroutines: 0 }],
    [
      `default baseline-noise-floor`,
      {
        heap: config.baselineNoiseFloor.heapBytesPerSec,
        goroutines: config.baselineNoiseFloor.goroutinesPerSec
      }
    ],
    ['measured here (upper bound)', calibration.floorPerSec]
  ]
  process.stdout.write('\nOne pair judged as a gate would (b as head, a as base):\n\n')
  process.stdout.write(
    `| floor | ${ALLOWANCES.map(([name]) => `false alarms, ${name} | heap intervals excluding 0`).join(' | ')} |\n`
  )
  process.stdout.write(`|---|${ALLOWANCES.map(() => '---|---|').join('')}\n`)
  for (const [name, floorPerSec] of floors)
    process.stdout.write(
      `| ${name} | ${ALLOWANCES.map(([, limits]) => judgePairs(runs, limits, { floorPerSec, storedBase: false, z })).join(' | ')} |\n`
    )
  process.stdout.write(`\n${Math.round(calibration.secondsPerRun)} s a run\n`)
} finally {
  rmSync(outDir, { recursive: true, force: true })
}
