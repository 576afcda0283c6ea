// Samples the running service at a fixed interval until the gate has its answer: the
// exact post-GC live heap and the goroutine count (reading.ts), the heap and goroutine
// profiles where attribution needs them (saved raw, decoded once, reduced to summaries),
// and the RSS of its process group.
import { join } from 'node:path'
import { GateError, OutputError } from '../errors.js'
import { decodeProfile } from '../profile/decode.js'
import { parseGoroutineText } from '../profile/goroutine-text.js'
import { summarizeGoroutines } from '../profile/goroutines.js'
import { summarizeHeap } from '../profile/heap.js'
import type { Log, Sample, Sampling } from '../model.js'
import { formatBytes } from '../units.js'
import type { Load } from './load.js'
import { readMetrics, type MetricsClient } from './metrics-client.js'
import { mkdirOutput, writeOutput } from './out-dir.js'
import { PprofClient } from './pprof-client.js'
import { takeReading } from './reading.js'
import { sleep } from './processes.js'
import { groupRssBytes } from './rss.js'
import type { Service } from './service.js'

/** A point at which the gate may stop: the samples so far are judged. */
export interface Look {
  /** 0-based. */
  index: number
  count: number
  /** Seconds since sampling began. */
  atSec: number
  /** Responses the built-in load received since sampling began; null for a load-command. */
  requests: number | null
}

export interface SamplerRequest {
  pprofUrl: string
  intervalMs: number
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
  /** The service's Go module paths (several in a go.work workspace): frames in them are its own code. */
  modulePaths?: string[]
  /** The side, as log lines name it: "head", "base-2". */
  label: string
  log: Log
  signal?: AbortSignal
}

/**
 * Samples until a look says stop, or the last look. Raw heap and goroutine profiles are
 * taken only where attribution reads them, the first sample and each look, since every
 * heap profile forces one more GC of the whole heap.
 */
export async function sample(req: SamplerRequest): Promise<Sampling> {
  mkdirOutput(req.profilesDir)
  const client = new PprofClient(req.pprofUrl, Math.max(5000, 2 * req.intervalMs), req.signal)
  const out: Sampling = {
    samples: [],
    attempted: 0,
    heap: [],
    goroutines: [],
    notes: [],
    requests: null,
    goroutineText: null,
    goroutineLeaks: null
  }
  const looks = req.lookTimesSec.map((sec) => Math.round((sec * 1000) / req.intervalMs))
  // Up to the last look; a look that has its answer stops sooner.
  const planned = looks[looks.length - 1] + 1
  const requestsAtStart = req.load.responses()
  const start = Date.now()
  let late = 0
  for (let i = 0, look = 0; look < looks.length; i++) {
    const due = start + i * req.intervalMs
    await sleep(due - Date.now(), req.signal)
    if (req.signal?.aborted) throw new GateError('cancelled while sampling')
    await checkAlive(req)
    if (Date.now() - due > req.intervalMs) late++
    const t = (Date.now() - start) / 1000
    const atLook = i === looks[look]
    out.attempted++
    try {
      const s = await takeSample(client, req, i, t, i === 0 || atLook, out)
      out.samples.push(s)
      const secondsLeft = Math.round(((planned - 1 - i) * req.intervalMs) / 1000)
      req.log(
        // What a terminal's one redrawn line must show comes first: which sample, how long yet.
        `  ${req.label} sample ${i + 1}/${planned} at ${t.toFixed(1)}s, ≤ ${secondsLeft}s left  heap ${formatBytes(s.liveHeapBytes).padStart(10)}  goroutines ${String(s.goroutines).padStart(6)}` +
          (s.rssBytes === null ? '' : `  rss ${formatBytes(s.rssBytes).padStart(10)}`) +
          (s.pauseMs ? `  paused ${s.pauseMs} ms` : ''),
        { kind: 'sample', label: req.label, sample: i + 1, samples: planned, secondsLeft }
      )
    } catch (e) {
      await checkAlive(req)
      if (req.signal?.aborted) throw new GateError('cancelled while sampling')
      if (e instanceof OutputError) throw e // the output folder's fault, not the endpoint's
      out.notes.push(`sample ${i + 1} at ${t.toFixed(1)}s dropped after a retry: ${(e as Error).message}`)
      req.log(`  sample ${i + 1} dropped: ${(e as Error).message}`)
    }
    if (!atLook) continue
    const responses = req.load.responses()
    const requests = requestsAtStart === null || responses === null ? null : responses - requestsAtStart
    const stop = req.atLook(out.samples, { index: look, count: looks.length, atSec: t, requests })
    look = stop ? looks.length : look + 1
  }
  if (late > 0)
    out.notes.push(
      `${late} samples were taken more than one interval late (the service or this machine was slow to answer); their times are the real ones`
    )
  if (out.samples.length > 0 && out.samples.every((s) => s.rssBytes === null))
    out.notes.push(`RSS is not read on ${process.platform}: only Linux (/proc) and macOS (ps) give it`)
  const requestsAtEnd = req.load.responses()
  out.requests = requestsAtStart === null || requestsAtEnd === null ? null : requestsAtEnd - requestsAtStart
  if (!req.metrics) await readEndProfiles(client, req, out)
  return out
}

async function takeSample(
  client: PprofClient,
  req: SamplerRequest,
  i: number,
  t: number,
  withProfiles: boolean,
  out: Sampling
): Promise<Sample> {
  if (req.metrics) return metricsSample(req.metrics, req, t, out)
  let raw: { heap: Buffer; goroutine: Buffer } | null = null
  const reading = await takeReading({
    client,
    load: req.load,
    quiesce: req.quiesce,
    signal: req.signal,
    ...(withProfiles
      ? {
          whilePaused: async () => {
            raw = { heap: await client.get('heap?gc=1'), goroutine: await client.get('goroutine') }
          }
        }
      : {})
  })
  const rssBytes = await groupRssBytes(req.service.pid)
  if (raw) saveProfiles(req, i, t, raw, out)
  return {
    t,
    liveHeapBytes: reading.liveHeapBytes,
    liveHeapObjects: reading.liveHeapObjects,
    goroutines: reading.goroutines,
    rssBytes,
    reading: reading.method,
    ...(req.quiesce ? { pauseMs: reading.pauseMs } : {})
  }
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
    rssBytes: m.rssBytes ?? (await groupRssBytes(req.service.pid)),
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
  const own = { modulePaths: req.modulePaths }
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
    out.goroutineText = parseGoroutineText(text.toString('utf8'), { modulePaths: req.modulePaths })
  } catch (e) {
    if (e instanceof OutputError) throw e
    out.notes.push(`goroutine?debug=2 could not be read: ${(e as Error).message}`)
  }
  if (!req.readGoroutineLeaks) return
  try {
    const raw = await client.get('goroutineleak')
    writeOutput(join(req.profilesDir, 'goroutineleak.pb.gz'), raw)
    out.goroutineLeaks = summarizeGoroutines(decodeProfile(raw), { modulePaths: req.modulePaths })
  } catch (e) {
    if (e instanceof OutputError) throw e
    out.notes.push(`goroutineleak profile could not be read: ${(e as Error).message}`)
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
