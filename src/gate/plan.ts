// The one place where Config becomes what each stage takes: the pair loop's numbers, a
// run's judging at its looks, the build, service, load and sampler requests, and the
// gate's judging of head and base. Pure:
// the stages below receive only these, never the whole Config.
import { join } from 'node:path'
import { comparisonZ, type IncreaseLimits, type SpreadOptions } from '../analysis/comparison.js'
import { lookTimesSec } from '../analysis/looks.js'
import type { Limits } from '../analysis/verdict.js'
import { longestIntervalMs, type Config } from '../config.js'
import type { MeasureRequest } from '../engine/measure.js'
import type { Side } from '../model.js'

/** What the pair loop reads (sides.ts). */
export type PairsPlan = Pick<Config, 'baseline' | 'baseRef' | 'workingDirectory' | 'repeats' | 'maxRepeats'>

/** One run of one side: what to measure, and how each look is judged (run.ts). */
export interface RunPlan {
  /** All but the look callback, which the run adds. */
  measure: Omit<MeasureRequest, 'atLook'>
  limits: Limits
}

export function planRun(config: Config, side: Side, label: string, outDir: string): RunPlan {
  return { measure: planMeasure(config, side, label, outDir), limits: absoluteLimits(config) }
}

const absoluteLimits = (config: Config): Limits => ({
  heap: config.maxHeapGrowth,
  goroutines: config.maxGoroutineGrowth
})

/** How the gate judges the head: against the absolute limits, and head − base. */
export interface JudgingPlan {
  absolute: Limits
  increase: IncreaseLimits
  spread: SpreadOptions
  /** `absolute-limits: change`: a limit the base exceeds too is judged on head − base. */
  onChange: boolean
}

/** `storedBase`: the base is a report.json read from disk, measured once, not in pairs here. */
export function planJudging(config: Config, storedBase: boolean): JudgingPlan {
  return {
    absolute: absoluteLimits(config),
    increase: {
      heap: config.maxIncreaseOverBaseline.heapBytesPerSec,
      goroutines: config.maxIncreaseOverBaseline.goroutinesPerSec
    },
    spread: {
      floorPerSec: {
        heap: config.baselineNoiseFloor.heapBytesPerSec,
        goroutines: config.baselineNoiseFloor.goroutinesPerSec
      },
      storedBase,
      z: comparisonZ(config.repeats, storedBase ? config.repeats : config.maxRepeats)
    },
    onChange: config.absoluteLimits === 'change'
  }
}

function planMeasure(config: Config, side: Side, label: string, outDir: string): RunPlan['measure'] {
  const logs = join(outDir, 'logs')
  return {
    side,
    label,
    outDir,
    goroutineLeakProfile: config.goroutineLeakProfile,
    build: { moduleDir: side.moduleDir, package: config.package, buildCommand: config.buildCommand },
    service: {
      startCommand: config.startCommand,
      cwd: side.moduleDir,
      env: serviceEnv(config),
      readyTimeoutMs: config.readyTimeoutMs,
      logPath: join(logs, `${label}-service.log`)
    },
    source: {
      source: config.source,
      pprofUrl: config.pprofUrl,
      metricsUrl: config.metricsUrl,
      intervalMs: config.intervalMs,
      durationMs: config.durationMs
    },
    load: {
      loadCommand: config.loadCommand,
      targetUrl: config.targetUrl,
      ratePerSec: config.ratePerSec,
      connections: config.connections,
      durationSec: (config.warmupMs + config.maxDurationMs) / 1000 + 10,
      cwd: side.moduleDir,
      logPath: join(logs, `${label}-load.log`)
    },
    warmupMs: config.warmupMs,
    durationMs: config.durationMs,
    maxDurationMs: config.maxDurationMs,
    sampler: {
      pprofUrl: config.pprofUrl,
      intervalMs: config.intervalMs,
      budgetCores: config.samplingBudgetCores,
      maxIntervalMs: longestIntervalMs(config),
      looksMayMove: config.loadCommand === null,
      lookTimesSec: lookTimesSec(config.durationMs / 1000, config.maxDurationMs / 1000),
      quiesce: config.quiesce,
      profilesDir: join(outDir, 'profiles', label)
    }
  }
}

/**
 * Ancestors kept per goroutine: a goroutine net/http's Transport starts (readLoop) is three
 * `go` statements from the handler that called the client. The runtime saves each
 * goroutine's creators' stacks at its `go` statement, and the goroutine dump prints them:
 * attribution links library goroutines to the service line through them. It costs about
 * 100–300 B a live goroutine and no CPU the bench could tell (docs/benchmarks.md, bench:ancestors).
 */
const TRACEBACK_ANCESTORS = 5

/** `env`, with `memprofilerate` and tracebackancestors added to GODEBUG (the user's own setting kept). */
function serviceEnv(config: Pick<Config, 'env' | 'memprofilerate'>): Record<string, string> {
  const env = { ...config.env }
  const godebug = env.GODEBUG ?? ''
  const added = [
    ...(config.memprofilerate !== null ? [`memprofilerate=${config.memprofilerate}`] : []),
    ...(/(^|,)tracebackancestors=/.test(godebug) ? [] : [`tracebackancestors=${TRACEBACK_ANCESTORS}`])
  ]
  env.GODEBUG = [godebug, ...added].filter(Boolean).join(',')
  return env
}

/**
 * The host and port `pprof-url` shares with a `target-url` the user gave (the default target
 * is the pprof host itself), else null.
 */
export function pprofSharedAddress(
  config: Pick<Config, 'pprofUrl' | 'targetUrl'>,
  targetGiven: boolean
): string | null {
  if (!targetGiven) return null
  const pprof = new URL(config.pprofUrl)
  const target = new URL(config.targetUrl)
  return pprof.protocol === target.protocol && pprof.host === target.host ? pprof.host : null
}
