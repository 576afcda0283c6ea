// One measured run of one side: build, start, load and sample, stop. Nothing is
// left running whatever happens: every exit path goes through the finally blocks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { longestIntervalMs, type Config } from '../config.js'
import { GateError } from '../errors.js'
import { redactUrl } from '../redact.js'
import type { LoadStats, Log, Measurement, Sampling, Side } from '../model.js'
import { buildService, inspectModule, supportsGoroutineLeakProfile, type GoModule } from './build.js'
import { startLoad, type Load } from './load.js'
import { sleep } from './processes.js'
import { sample, type SamplerRequest } from './sampler.js'
import { startService, type Service } from './service.js'
import { portAnswers } from './identity.js'
import { chooseSource, crossCheckMetrics, readyEndpoint } from './source.js'

export interface MeasureOptions {
  outDir: string
  /** A label for file names when one side is measured more than once. */
  label: string
  /** Hides secrets in what the build, the service and the load print. */
  redact: (text: string) => string
  /** When to look at the growth, seconds after sampling began. */
  lookTimesSec: number[]
  /** Asked at each look with the samples so far: true stops sampling (see sampler.ts). */
  atLook: SamplerRequest['atLook']
  log: Log
  signal?: AbortSignal
}

export async function measure(config: Config, side: Side, options: MeasureOptions): Promise<Measurement> {
  const module = await inspectModule(side.moduleDir, side.repoRoot)
  const leakProfile =
    config.goroutineLeakProfile === 'on' ||
    (config.goroutineLeakProfile === 'auto' && supportsGoroutineLeakProfile(module.goVersion))
  if (config.goroutineLeakProfile === 'on' && !supportsGoroutineLeakProfile(module.goVersion))
    throw new GateError(
      `goroutine-leak-profile: "on" needs Go 1.26 or later, the toolchain is ${module.goVersion}; use auto or off`
    )
  // Outside the output folder: the artifact carries profiles and logs, not binaries.
  const binDir = mkdtempSync(join(tmpdir(), 'memgate-bin-'))
  try {
    return await measureBuilt(config, side, options, module, join(binDir, 'service'), leakProfile)
  } finally {
    rmSync(binDir, { recursive: true, force: true })
  }
}

async function measureBuilt(
  config: Config,
  side: Side,
  options: MeasureOptions,
  module: GoModule,
  binaryPath: string,
  leakProfile: boolean
): Promise<Measurement> {
  const { log, signal, outDir, label } = options
  log(`${label}: building ${config.buildCommand ?? `go build ${config.package}`} (${module.goVersion})`)
  await buildService({
    redact: options.redact,
    moduleDir: side.moduleDir,
    package: config.package,
    buildCommand: config.buildCommand,
    binaryPath,
    goroutineLeakProfile: leakProfile,
    signal
  })

  const env = { ...config.env }
  if (config.memprofilerate !== null)
    env.GODEBUG = [env.GODEBUG, `memprofilerate=${config.memprofilerate}`].filter(Boolean).join(',')
  const ready = readyEndpoint(config)
  const pprofTakenBefore = ready.input === 'metrics-url' && (await portAnswers(config.pprofUrl))
  log(`${label}: starting the service, waiting for ${redactUrl(ready.url)}`)
  const service = await startService({
    redact: options.redact,
    binaryPath,
    startCommand: config.startCommand,
    cwd: side.moduleDir,
    env,
    ready,
    readyTimeoutMs: config.readyTimeoutMs,
    logPath: join(outDir, 'logs', `${label}-service.log`),
    signal
  })
  log(`${label}: service ready (pid ${service.pid}, process group ${service.pid})`)
  const notes: string[] = []
  const source = await chooseSource(config, pprofTakenBefore, signal)
  if (source.kind === 'metrics')
    log(`${label}: no pprof at ${redactUrl(config.pprofUrl)}: reading ${redactUrl(source.client.url)}`)
  try {
    const load = startLoad({
      redact: options.redact,
      loadCommand: config.loadCommand,
      targetUrl: config.targetUrl,
      ratePerSec: config.ratePerSec,
      connections: config.connections,
      durationSec: (config.warmupMs + config.maxDurationMs) / 1000 + 10,
      cwd: side.moduleDir,
      logPath: join(outDir, 'logs', `${label}-load.log`)
    })
    let loadStats: LoadStats | null = null
    try {
      log(
        `${label}: load ${config.loadCommand ? `"${config.loadCommand}"` : `${config.ratePerSec} req/s on ${config.connections} connections to ${config.targetUrl}`}; warm-up ${config.warmupMs / 1000}s`,
        { kind: 'group-start', label }
      )
      const profilesDir = join(outDir, 'profiles', label)
      let sampling: Sampling | null = null
      try {
        await warmUp(config.warmupMs, { service, load, label, log, signal })
        log(
          `${label}: sampling ${config.intervalMs === null ? `at an interval chosen from the first sample's cost (sampling-budget ${100 * config.samplingBudgetCores}% of one core)` : `every ${config.intervalMs / 1000}s`}, looking at the growth every ${config.durationMs / 1000}s up to ${config.maxDurationMs / 1000}s`
        )
        sampling = await sample({
          pprofUrl: config.pprofUrl,
          intervalMs: config.intervalMs,
          budgetCores: config.samplingBudgetCores,
          maxIntervalMs: longestIntervalMs(config),
          looksMayMove: config.loadCommand === null,
          lookTimesSec: options.lookTimesSec,
          atLook: options.atLook,
          // Without a forced GC there is nothing to read quiesced: metrics count garbage too.
          quiesce: config.quiesce && source.kind === 'pprof',
          metrics: source.kind === 'metrics' ? source.client : null,
          profilesDir,
          service,
          load,
          readGoroutineLeaks: leakProfile,
          modulePaths: module.modules.map((m) => m.path),
          label,
          log,
          signal
        })
      } finally {
        const done = sampling ? `${sampling.samples.length} samples read` : 'stopped'
        log(`${label}: ${done}`, { kind: 'group-end', label })
      }
      if (source.kind === 'pprof') notes.push(...(await crossCheckMetrics(config, signal)))
      const early = load.exitedEarly()
      loadStats = await load.stop()
      if (early === 0)
        notes.push(
          'the load-command ended before sampling did: growth after it ended was measured without load'
        )
      checkLoad(loadStats, config.targetUrl)
      checkSamples(sampling, config)
      return { side, module, sampling, load: loadStats, notes, profilesDir: relative(outDir, profilesDir) }
    } finally {
      if (!loadStats) await load.stop()
    }
  } finally {
    await service.stop()
  }
}

/** A service measured without load is no measurement: most requests must succeed. */
function checkLoad(load: LoadStats, targetUrl: string): void {
  if (load.kind !== 'built-in' || load.requests === null) return
  const failed = load.errors ?? 0
  if (load.requests === 0 || failed > load.requests / 2)
    throw new GateError(
      `target-url: ${failed} of ${load.requests} requests to ${targetUrl} failed (HTTP 4xx/5xx or no connection); point target-url at an endpoint of the service`
    )
}

/** A trend needs samples: when most could not be read, say so instead of judging on a few. */
function checkSamples(sampling: Sampling, config: Config): void {
  const tried = sampling.attempted
  if (sampling.samples.length < Math.max(3, Math.ceil(tried / 2)))
    throw new GateError(
      `only ${sampling.samples.length} of ${tried} samples could be read from ${config.pprofUrl}`,
      sampling.notes.join('\n')
    )
}

interface WarmUp {
  service: Service
  load: Load
  label: string
  log: Log
  signal?: AbortSignal
}

/** Waits out the warm-up, saying each second how far it is, and stops at once when the load or the service fails. */
async function warmUp(ms: number, { service, load, label, log, signal }: WarmUp): Promise<void> {
  const start = Date.now()
  const end = start + ms
  const totalSec = Math.round(ms / 1000)
  let shownSec = 0
  while (Date.now() < end) {
    if (signal?.aborted) throw new GateError('cancelled during warm-up')
    const failed = load.failure()
    if (failed) throw new GateError(failed, load.output())
    if (service.hasExited())
      throw new GateError(`the service ${await service.exited} during warm-up`, service.output.text())
    const elapsedSec = Math.floor((Date.now() - start) / 1000)
    if (elapsedSec > shownSec && elapsedSec < totalSec) {
      shownSec = elapsedSec
      log(`${label}: warm-up ${elapsedSec}s of ${totalSec}s`, {
        kind: 'warm-up',
        label,
        elapsedSec,
        totalSec
      })
    }
    await sleep(Math.min(250, end - Date.now()), signal)
  }
}
