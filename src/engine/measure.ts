// One measured run of one side: build, start, load and sample, stop. Nothing is
// left running whatever happens: every exit path goes through the finally blocks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { Config } from '../config.js'
import { GateError } from '../errors.js'
import type { LoadStats, Measurement, RunNote, Sampling, Side } from '../model.js'
import {
  buildService,
  inspectModule,
  supportsGoroutineLeakProfile,
  type BuildRequest,
  type GoModule
} from './build.js'
import { measureIdle } from './idle.js'
import { startLoad, type Load, type LoadRequest } from './load.js'
import { sleep } from './processes.js'
import type { RunContext } from './run-context.js'
import { sample, type SamplerRequest } from './sampler.js'
import { startService, type Service, type ServiceRequest } from './service.js'
import { portAnswers } from './identity.js'
import { chooseSource, crossCheckMetrics, readyEndpoint, type Source, type SourceConfig } from './source.js'

/**
 * Everything one run needs, each stage's part apart (gate/plan.ts makes it from Config).
 * What is known only while it runs (the binary's path, the module, the endpoint read,
 * the service and the load) is added here.
 */
export interface MeasureRequest {
  side: Side
  /** Names the run's files and log lines: "head", "base-2". */
  label: string
  outDir: string
  goroutineLeakProfile: Config['goroutineLeakProfile']
  build: Omit<BuildRequest, 'binaryPath' | 'goroutineLeakProfile'>
  service: Omit<ServiceRequest, 'binaryPath' | 'ready'>
  source: SourceConfig
  load: LoadRequest
  warmupMs: number
  /** `duration` and `max-duration`, for the log line that says when the gate looks. */
  durationMs: number
  maxDurationMs: number
  /** `quiesce` is the input's: the run reads quiesced only from pprof. */
  sampler: Omit<
    SamplerRequest,
    'label' | 'atLook' | 'service' | 'load' | 'metrics' | 'readGoroutineLeaks' | 'modules'
  >
  /** Asked at each look with the samples so far: true stops sampling (see sampler.ts). */
  atLook: SamplerRequest['atLook']
}

export async function measure(req: MeasureRequest, ctx: RunContext): Promise<Measurement> {
  const module = await inspectModule(req.side.moduleDir, req.side.repoRoot)
  const leakProfile =
    req.goroutineLeakProfile === 'on' ||
    (req.goroutineLeakProfile === 'auto' && supportsGoroutineLeakProfile(module.goVersion))
  if (req.goroutineLeakProfile === 'on' && !supportsGoroutineLeakProfile(module.goVersion))
    throw new GateError(
      `goroutine-leak-profile: "on" needs Go 1.26 or later, the toolchain is ${module.goVersion}; use auto or off`
    )
  // Outside the output folder: the artifact carries profiles and logs, not binaries.
  const binDir = mkdtempSync(join(tmpdir(), 'memgate-bin-'))
  try {
    const built: Built = { module, binaryPath: join(binDir, 'service'), leakProfile }
    await build(req, built, ctx)
    const started = await start(req, built, ctx)
    try {
      return await measureStarted(req, built, started, ctx)
    } finally {
      await started.service.stop()
    }
  } finally {
    rmSync(binDir, { recursive: true, force: true })
  }
}

/** What the build made of a side, known only once the toolchain was asked. */
interface Built {
  module: GoModule
  binaryPath: string
  leakProfile: boolean
}

interface Started {
  service: Service
  /** Whether something answered at pprof-url before the service started: not the service's. */
  pprofTakenBefore: boolean
}

async function build(req: MeasureRequest, built: Built, ctx: RunContext): Promise<void> {
  const { buildCommand, package: pkg } = req.build
  ctx.log(`${req.label}: building ${buildCommand ?? `go build ${pkg}`} (${built.module.goVersion})`)
  await buildService(
    { ...req.build, binaryPath: built.binaryPath, goroutineLeakProfile: built.leakProfile },
    ctx
  )
}

async function start(req: MeasureRequest, built: Built, ctx: RunContext): Promise<Started> {
  const ready = readyEndpoint(req.source)
  const pprofTakenBefore = ready.input === 'metrics-url' && (await portAnswers(req.source.pprofUrl))
  ctx.log(`${req.label}: starting the service, waiting for ${ready.url}`)
  const service = await startService({ ...req.service, binaryPath: built.binaryPath, ready }, ctx)
  ctx.log(`${req.label}: service ready (pid ${service.pid}, process group ${service.pid})`)
  return { service, pprofTakenBefore }
}

/** The service runs: load it, sample it, stop the load, and check that the run measured something. */
async function measureStarted(
  req: MeasureRequest,
  built: Built,
  { service, pprofTakenBefore }: Started,
  ctx: RunContext
): Promise<Measurement> {
  const notes: RunNote[] = []
  const source = await chooseSource(req.source, pprofTakenBefore, ctx.signal)
  if (source.kind === 'metrics')
    ctx.log(`${req.label}: no pprof at ${req.source.pprofUrl}: reading ${source.client.url}`)
  const idle =
    source.kind === 'pprof' ? await measureIdle(req.source.pprofUrl, built.module.modules, ctx.signal) : null
  const load = await startLoad(req.load, ctx, service)
  let loadStats: LoadStats | null = null
  try {
    const sampling = await warmUpAndSample(req, built, { service, load, source }, ctx)
    if (source.kind === 'pprof') notes.push(...(await crossCheckMetrics(req.source, ctx.signal)))
    const early = load.exitedEarly()
    loadStats = await load.stop()
    if (early === 0) notes.push({ kind: 'load-ended-early' })
    checkLoad(loadStats, req.load.targetUrl)
    checkSamples(sampling, req.sampler.pprofUrl)
    const profilesDir = relative(req.outDir, req.sampler.profilesDir)
    return { side: req.side, module: built.module, sampling, load: loadStats, notes, profilesDir, idle }
  } finally {
    if (!loadStats) await load.stop()
  }
}

interface Running {
  service: Service
  load: Load
  source: Source
}

/** Warm-up and sampling, one log group. */
async function warmUpAndSample(
  req: MeasureRequest,
  built: Built,
  { service, load, source }: Running,
  ctx: RunContext
): Promise<Sampling> {
  const { label, load: l, sampler } = req
  const driving = l.loadCommand
    ? `"${l.loadCommand}"`
    : `${l.ratePerSec} req/s on ${l.connections} connections to ${l.targetUrl}`
  ctx.log(`${label}: load ${driving}; warm-up ${req.warmupMs / 1000}s`, { kind: 'group-start', label })
  let sampling: Sampling | null = null
  try {
    await warmUp(req.warmupMs, { service, load, label }, ctx)
    const every =
      sampler.intervalMs === null
        ? `at an interval chosen from the first sample's cost (sampling-budget ${100 * sampler.budgetCores}% of one core)`
        : `every ${sampler.intervalMs / 1000}s`
    ctx.log(
      `${label}: sampling ${every}, looking at the growth every ${req.durationMs / 1000}s up to ${req.maxDurationMs / 1000}s`
    )
    const request: SamplerRequest = {
      ...sampler,
      label,
      atLook: req.atLook,
      // Without a forced GC there is nothing to read quiesced: metrics count garbage too.
      quiesce: sampler.quiesce && source.kind === 'pprof',
      metrics: source.kind === 'metrics' ? source.client : null,
      service,
      load,
      readGoroutineLeaks: built.leakProfile,
      modules: built.module.modules
    }
    sampling = await sample(request, ctx)
    return sampling
  } finally {
    const done = sampling ? `${sampling.samples.length} samples read` : 'stopped'
    ctx.log(`${label}: ${done}`, { kind: 'group-end', label })
  }
}

/** A service measured without load is no measurement: most requests must succeed. */
function checkLoad(load: LoadStats, targetUrl: string): void {
  if (load.kind !== 'built-in' || load.requests === null) return
  const failed = load.errors ?? 0
  if (load.requests === 0 || failed > load.requests / 2)
    throw new GateError(
      `target-url: ${failed} of ${load.requests} requests to ${targetUrl} failed (answered other than 2xx, or no connection); point target-url at an endpoint of the service`
    )
}

/** A trend needs samples: when most could not be read, say so instead of judging on a few. */
function checkSamples(sampling: Sampling, pprofUrl: string): void {
  const tried = sampling.attempted
  if (sampling.samples.length < Math.max(3, Math.ceil(tried / 2)))
    throw new GateError(
      `only ${sampling.samples.length} of ${tried} samples could be read from ${pprofUrl}`,
      // The endpoint's own words for why each sample could not be read.
      sampling.notes
        .flatMap((n) => (n.kind === 'sample-dropped' ? [`sample ${n.sample}: ${n.error}`] : []))
        .join('\n')
    )
}

interface WarmUp {
  service: Service
  load: Load
  label: string
}

/** Waits out the warm-up, saying each second how far it is, and stops at once when the load or the service fails. */
async function warmUp(
  ms: number,
  { service, load, label }: WarmUp,
  { log, signal }: RunContext
): Promise<void> {
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
