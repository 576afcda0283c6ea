// Samples the running service at an interval until the gate has its answer: the exact
// post-GC live heap and the goroutine count (reading.ts), the heap and goroutine profiles
// where attribution needs them (saved raw, decoded once, reduced to summaries), and the
// RSS of its process group. With `interval: auto` the first sample's forced GCs are timed
// and the interval is chosen from their cost (sampling-budget.ts).
import { join } from 'node:path'
import { AUTO_INTERVAL_FLOOR_MS } from '../config.js'
import { GateError, OutputError } from '../errors.js'
import { decodeProfile } from '../profile/decode.js'
import { goroutineOrigins, parseGoroutineText } from '../profile/goroutine-text.js'
import { summarizeGoroutines } from '../profile/goroutines.js'
import { summarizeHeap, type HeapSummary } from '../profile/heap.js'
import type { Log, Sample, Sampling, Timed } from '../model.js'
import type { GoModuleFolder } from '../profile/paths.js'
import { formatBytes } from '../units.js'
import type { Load } from './load.js'
import { readMetrics, type MetricsClient } from './metrics-client.js'
import { mkdirOutput, writeOutput } from './out-dir.js'
import { PprofClient } from './pprof-client.js'
import { takeReading } from './reading.js'
import { sleep } from './processes.js'
import { groupCpuSec, groupRssBytes, readGroup } from './rss.js'
import { chooseInterval, samplingInterval, type IntervalPick } from './sampling-budget.js'
import type { RunContext } from './run-context.js'
import type { Service } from './service.js'

/** A point at which the gate may stop: the samples so far are judged. */
interface Look {
  /** 0-based. */
  index: number
  count: number
  /** Seconds since sampling began. */
  atSec: number
  /** Responses the built-in load received since sampling began; null for a load-command. */
  requests: number | null
  /** The heap profiles so far: the first sample's and each look's, this one's last (none from /metrics). */
  heapProfiles: readonly Timed<HeapSummary>[]
}

export interface SamplerRequest {
  pprofUrl: string
  /** The `interval` input, ms; null for auto: chosen from the first sample's cost. */
  intervalMs: number | null
  /** `sampling-budget`, in cores. */
  budgetCores: number
  /** The longest interval that gives the first look its samples: duration / 8. */
  maxIntervalMs: number
  /** Whether auto may move the looks later: not with a load-command, which runs for a time set at its start. */
  looksMayMove: boolean
  /** When the gate looks at the growth, seconds after sampling began (analysis/looks.ts). */
  lookTimesSec: number[]
  /** Asked at each look with the samples so far: true stops sampling. */
  atLook: (samples: Sample[], look: Look) => boolean
  /** Pause the load for each reading (see reading.ts). */
  quiesce: boolean
  /** Read the service's /metrics instead of pprof: no forced GC, no profiles. */
  metrics: MetricsClient | null
  /** Folder for the raw profiles of this run. */
  profilesDir: string
  service: Service
  load: Load
  readGoroutineLeaks: boolean
  /** The service's Go modules (several in a go.work workspace): frames in their folders are its own code. */
  modules?: GoModuleFolder[]
  /** The side, as log lines name it: "head", "base-2". */
  label: string
}

/**
 * Samples until a look says stop, or the last look. Raw heap and goroutine profiles are
 * taken only where attribution reads them: the first sample, each look and so the last.
 * Over 60 lines: one loop whose state (interval, look times, the pick) changes as it goes.
 */
export async function sample(
  req: SamplerRequest,
  { log, signal }: Pick<RunContext, 'log' | 'signal'>
): Promise<Sampling> {
  mkdirOutput(req.profilesDir)
  const client = new PprofClient(
    req.pprofUrl,
    // A forced GC of a heap of several GiB takes seconds.
    req.intervalMs === null ? AUTO_TIMEOUT_MS : Math.max(5000, 2 * req.intervalMs),
    signal
  )
  const out: Sampling = {
    samples: [],
    attempted: 0,
    heap: [],
    goroutines: [],
    notes: [],
    requests: null,
    goroutineText: null,
    goroutineOrigins: null,
    goroutineLeaks: null,
    allocated: null
  }
  let firstAlloc: { t: number; bytes: number } | null = null
  // Moved later once the interval is chosen, when the budget needs it.
  let looksMs = req.lookTimesSec.map((sec) => sec * 1000)
  const requestsAtStart = req.load.responses()
  const start = Date.now()
  const costs: GcCosts = { sec: [], allCpu: true }
  // Chosen once the first sample is read (or dropped): until then the floor, or the input.
  let pick: IntervalPick | null = null
  let intervalMs = req.intervalMs ?? AUTO_INTERVAL_FLOOR_MS
  let late = 0
  for (let i = 0, look = 0, dueMs = 0; look < looksMs.length; i++, dueMs += intervalMs) {
    const due = start + dueMs
    await sleep(due - Date.now(), signal)
    if (signal?.aborted) throw new GateError('cancelled while sampling')
    await checkAlive(req)
    if (Date.now() - due > intervalMs) late++
    const t = (Date.now() - start) / 1000
    // The sample nearest each look time.
    const atLook = pick !== null && dueMs >= looksMs[look] - intervalMs / 2
    out.attempted++
    try {
      const { sample: s, totalAllocBytes } = await takeSample(
        client,
        req,
        i,
        t,
        i === 0 || atLook,
        out,
        costs,
        {
          signal
        }
      )
      out.samples.push(s)
      if (totalAllocBytes !== null) {
        firstAlloc ??= { t, bytes: totalAllocBytes }
        out.allocated = { bytes: totalAllocBytes - firstAlloc.bytes, seconds: t - firstAlloc.t }
      }
      if (!pick) {
        pick = pickInterval(req, s, log)
        looksMs = looksMs.map((ms) => ms * pick!.lookTimesFactor)
      }
      intervalMs = pick.intervalMs
      // Up to the last look; a look that has its answer stops sooner.
      const planned = i + 1 + Math.max(0, Math.round((looksMs[looksMs.length - 1] - dueMs) / intervalMs))
      const secondsLeft = Math.round(((planned - 1 - i) * intervalMs) / 1000)
      log(
        // What a terminal's one redrawn line must show comes first: which sample, how long yet.
        `  ${req.label} sample ${i + 1}/${planned} at ${t.toFixed(1)}s, ≤ ${secondsLeft}s left  heap ${formatBytes(s.liveHeapBytes).padStart(10)}  goroutines ${String(s.goroutines).padStart(6)}` +
          (s.rssBytes === null ? '' : `  rss ${formatBytes(s.rssBytes).padStart(10)}`) +
          (s.pauseMs ? `  paused ${s.pauseMs} ms` : ''),
        { kind: 'sample', label: req.label, sample: i + 1, samples: planned, secondsLeft }
      )
    } catch (e) {
      await checkAlive(req)
      if (signal?.aborted) throw new GateError('cancelled while sampling')
      if (e instanceof OutputError) throw e // the output folder's fault, not the endpoint's
      out.notes.push({
        kind: 'sample-dropped',
        sample: i + 1,
        atSec: Math.round(t * 10) / 10,
        error: (e as Error).message
      })
      log(`  sample ${i + 1} dropped: ${(e as Error).message}`)
    }
    // A dropped first sample measured nothing: the floor, or the input.
    pick ??= pickInterval(req, null, log)
    intervalMs = pick.intervalMs
    if (!atLook) continue
    const responses = req.load.responses()
    const requests = requestsAtStart === null || responses === null ? null : responses - requestsAtStart
    const stop = req.atLook(out.samples, {
      index: look,
      count: looksMs.length,
      atSec: t,
      requests,
      heapProfiles: out.heap
    })
    look = stop ? looksMs.length : look + 1
  }
  if (pick) out.interval = samplingInterval(pick, req.budgetCores, costs.sec, costs.allCpu ? 'cpu' : 'wall')
  if (late > 0) out.notes.push({ kind: 'samples-late', count: late })
  if (out.samples.length > 0 && out.samples.every((s) => s.rssBytes === null))
    out.notes.push({ kind: 'rss-unavailable', platform: process.platform })
  const requestsAtEnd = req.load.responses()
  out.requests = requestsAtStart === null || requestsAtEnd === null ? null : requestsAtEnd - requestsAtStart
  if (!req.metrics) await readEndProfiles(client, req, out)
  return out
}

const AUTO_TIMEOUT_MS = 30_000

/** The interval, from the first sample's forced GCs (none: nothing forced, or it was dropped); logged once. */
function pickInterval(req: SamplerRequest, first: Sample | null, log: Log): IntervalPick {
  const costMs = first?.gcCostMs
  const pick = chooseInterval({
    fixedMs: req.intervalMs,
    costPerSampleSec: costMs === undefined ? null : costMs / 1000,
    budgetCores: req.budgetCores,
    maxMs: req.maxIntervalMs,
    looksMayMove: req.looksMayMove
  })
  if (req.intervalMs === null)
    log(
      `  ${req.label}: sampling every ${pick.intervalMs / 1000}s (${pick.reason})` +
        (costMs === undefined
          ? ''
          : `: the first sample's forced GCs took ${costMs} ms of the service, the budget allows ${Math.round(req.budgetCores * pick.intervalMs)} ms`) +
        (pick.lookTimesFactor > 1 ? `; the looks move ${pick.lookTimesFactor.toFixed(1)}× later` : '')
    )
  return pick
}

/** The samples' forced-GC costs, seconds, and whether each was the service's CPU time. */
interface GcCosts {
  sec: number[]
  allCpu: boolean
}

async function takeSample(
  client: PprofClient,
  req: SamplerRequest,
  i: number,
  t: number,
  withProfiles: boolean,
  out: Sampling,
  costs: GcCosts,
  { signal }: Pick<RunContext, 'signal'>
): Promise<{ sample: Sample; totalAllocBytes: number | null }> {
  if (req.metrics) return { sample: await metricsSample(req.metrics, req, t, out), totalAllocBytes: null }
  let raw: { heap: Buffer; goroutine: Buffer } | null = null
  const group = readGroup(req.service.pid)
  const reading = await takeReading({
    client,
    load: req.load,
    quiesce: req.quiesce,
    signal,
    serviceCpuSec: () => groupCpuSec(group),
    ...(withProfiles
      ? {
          whilePaused: async () => {
            // No gc=1: the profile is published at each GC, so it is already the one of the
            // reading's last forced GC, and another would mark the whole heap once more.
            raw = { heap: await client.get('heap'), goroutine: await client.get('goroutine') }
          }
        }
      : {})
  })
  const rssBytes = await groupRssBytes(group)
  if (raw) saveProfiles(req, i, t, raw, out)
  costs.sec.push(reading.gcCostMs / 1000)
  costs.allCpu &&= reading.gcCostMeasure === 'cpu'
  const sample: Sample = {
    t,
    liveHeapBytes: reading.liveHeapBytes,
    liveHeapObjects: reading.liveHeapObjects,
    goroutines: reading.goroutines,
    rssBytes,
    reading: reading.method,
    ...(req.quiesce ? { pauseMs: reading.pauseMs } : {}),
    gcCostMs: Math.round(reading.gcCostMs)
  }
  return { sample, totalAllocBytes: reading.totalAllocBytes }
}

/** A reading of the service's Prometheus gauges: what the process reports, garbage included. */
async function metricsSample(
  client: MetricsClient,
  req: SamplerRequest,
  t: number,
  out: Sampling
): Promise<Sample> {
  const m = await readMetrics(client)
  out.heapGauge ??= m.heapSource
  return {
    t,
    liveHeapBytes: m.liveHeapBytes,
    liveHeapObjects: null,
    goroutines: m.goroutines,
    rssBytes: m.rssBytes ?? (await groupRssBytes(readGroup(req.service.pid))),
    reading: 'metrics'
  }
}

/** Saved raw for the artifact, decoded once, kept as summaries. */
function saveProfiles(
  req: SamplerRequest,
  i: number,
  t: number,
  raw: { heap: Buffer; goroutine: Buffer },
  out: Sampling
): void {
  const n = String(i).padStart(3, '0')
  const heapFile = `heap-${n}.pb.gz`
  const goroutineFile = `goroutine-${n}.pb.gz`
  writeOutput(join(req.profilesDir, heapFile), raw.heap)
  writeOutput(join(req.profilesDir, goroutineFile), raw.goroutine)
  const own = { modules: req.modules }
  out.heap.push({ t, summary: summarizeHeap(decodeProfile(raw.heap), own), file: heapFile })
  out.goroutines.push({
    t,
    summary: summarizeGoroutines(decodeProfile(raw.goroutine), own),
    file: goroutineFile
  })
}

async function readEndProfiles(client: PprofClient, req: SamplerRequest, out: Sampling): Promise<void> {
  try {
    const text = await client.get('goroutine?debug=2')
    writeOutput(join(req.profilesDir, 'goroutine-debug2.txt'), text)
    const dump = text.toString('utf8')
    out.goroutineText = parseGoroutineText(dump, { modules: req.modules })
    out.goroutineOrigins = goroutineOrigins(dump, { modules: req.modules })
  } catch (e) {
    if (e instanceof OutputError) throw e
    out.notes.push({ kind: 'goroutine-dump-unread', error: (e as Error).message })
  }
  if (!req.readGoroutineLeaks) return
  try {
    const raw = await client.get('goroutineleak')
    writeOutput(join(req.profilesDir, 'goroutineleak.pb.gz'), raw)
    out.goroutineLeaks = summarizeGoroutines(decodeProfile(raw), { modules: req.modules })
  } catch (e) {
    if (e instanceof OutputError) throw e
    out.notes.push({ kind: 'goroutine-leak-profile-unread', error: (e as Error).message })
  }
}

async function checkAlive(req: SamplerRequest): Promise<void> {
  const failed = req.load.failure()
  if (failed) throw new GateError(failed, req.load.output())
  if (req.service.hasExited()) {
    const how = await req.service.exited
    throw new GateError(`the service ${how} during the run`, req.service.output.text())
  }
}
