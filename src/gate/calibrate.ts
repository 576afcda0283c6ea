// `memgate calibrate`: the user's service against itself, pair after pair, to measure how
// much two runs of the same code differ in slope: the floor baseline-noise-floor takes.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pairSpread, type SlopeEstimate } from '../analysis/between-runs.js'
import { twoSidedConfidence } from '../analysis/normal.js'
import { ConfigError, type Config } from '../config.js'
import { resolveModuleDir } from '../engine/build.js'
import { withOutDirLock, writeOutput } from '../engine/out-dir.js'
import { assertSupportedPlatform } from '../engine/processes.js'
import { JUDGED_SERIES, type Calibration, type Log, type Run, type Side } from '../model.js'
import type { Redactor } from '../redact.js'
import { withRedactor } from './gate.js'
import { planJudging } from './plan.js'
import { measureOnceWith } from './run.js'
import { repoRootOf } from './sides.js'

export interface CalibrateOptions {
  outDir: string
  repoRoot: string
  /** How many pairs of runs: each pair is two runs of the same build. */
  pairs: number
  log: Log
  signal?: AbortSignal
}

export interface CalibrateResult {
  calibration: Calibration
  /** Each pair's two runs, in the order measured. */
  runs: [Run, Run][]
  calibrationJsonPath: string
}

export function calibrate(config: Config, options: CalibrateOptions): Promise<CalibrateResult> {
  return withRedactor(config, options, (redactor, redacted) =>
    withOutDirLock(options.outDir, () => measurePairs(config, redacted, redactor))
  )
}

async function measurePairs(
  config: Config,
  options: CalibrateOptions,
  redactor: Redactor
): Promise<CalibrateResult> {
  assertSupportedPlatform()
  const moduleDir = resolveModuleDir(options.repoRoot, config.workingDirectory)
  if (!existsSync(moduleDir))
    throw new ConfigError(`working-directory: ${moduleDir} does not exist; give the folder of the Go module`)
  const side: Side = { side: 'head', moduleDir, repoRoot: await repoRootOf(moduleDir) }
  const measureOnce = measureOnceWith(config, options.outDir, {
    log: options.log,
    redact: redactor.redact,
    signal: options.signal
  })
  const runs: [Run, Run][] = []
  const started = Date.now()
  for (let pair = 1; pair <= options.pairs; pair++) {
    options.log(`pair ${pair} of ${options.pairs}`)
    const a = await measureOnce(side, `a-${pair}`)
    const b = await measureOnce(side, `b-${pair}`)
    runs.push([a, b])
  }
  const calibration = summarize(runs, config, (Date.now() - started) / 1000 / (2 * options.pairs))
  const calibrationJsonPath = join(options.outDir, 'calibration.json')
  writeOutput(calibrationJsonPath, JSON.stringify(calibration, null, 2) + '\n')
  return { calibration, runs, calibrationJsonPath }
}

/** The pairs' spread per series, read at the z the gate's comparison uses with these inputs. */
function summarize(runs: [Run, Run][], config: Config, secondsPerRun: number): Calibration {
  const { z, floorPerSec: floor } = planJudging(config, false).spread
  const series: Calibration['series'] = {}
  const floorPerSec = { ...floor }
  for (const s of JUDGED_SERIES) {
    const estimate = (r: Run): SlopeEstimate | null => {
      const t = r.trends[s]
      return t ? { slopePerSec: t.slopePerSec, sePerSec: t.sePerSec } : null
    }
    const pairs = runs.flatMap(([a, b]) => {
      const [ea, eb] = [estimate(a), estimate(b)]
      return ea && eb ? [[ea, eb] as [SlopeEstimate, SlopeEstimate]] : []
    })
    if (pairs.length < 2) continue
    series[s] = pairSpread(pairs, z, floor[s])
    floorPerSec[s] = series[s].spreadUpperPerSec
  }
  return { pairs: runs.length, z, confidence: twoSidedConfidence(z), series, floorPerSec, secondsPerRun }
}
