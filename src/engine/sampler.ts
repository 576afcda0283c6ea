// Samples the running service at a fixed interval: the exact post-GC live heap,
// the heap and goroutine profiles (saved raw, decoded once, reduced to summaries),
// and the RSS of its process group.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GateError } from '../errors.js'
import { decodeProfile } from '../profile/decode.js'
import { parseGoroutineText, type GoroutineTextGroup } from '../profile/goroutine-text.js'
import { summarizeGoroutines, type GoroutineSummary } from '../profile/goroutines.js'
import { summarizeHeap, type HeapSummary } from '../profile/heap.js'
import type { Sample } from '../report/types.js'
import { formatBytes } from '../units.js'
import type { Load } from './load.js'
import { parseGoroutineTotal, parseMemStats, PprofClient } from './pprof-client.js'
import { sleep } from './processes.js'
import { groupRssBytes } from './rss.js'
import type { Service } from './service.js'

/**
 * Live heap at a forced GC includes what requests in flight hold at that instant, and
 * a GC under load lets requests pile up: noise that only ever adds, megabytes for a
 * service that allocates a MiB a request. The least of a few readings a moment apart
 * sits on what is really retained: on the clean fixture the sample-to-sample scatter
 * falls from about 2 MiB to about 3 KiB. Goroutines serving requests are the same kind
 * of noise in the goroutine count, and get the same treatment.
 */
export const READINGS = 4
export const READING_GAP_MS = 50

export interface SamplerRequest {
  pprofUrl: string
  intervalMs: number
  durationMs: number
  /** Folder for the raw profiles of this run. */
  profilesDir: string
  service: Service
  load: Load
  readGoroutineLeaks: boolean
  /** The service's Go module paths (several in a go.work workspace): frames in them are its own code. */
  modulePaths?: string[]
  log: (line: string) => void
  signal?: AbortSignal
}

export interface Timed<T> {
  t: number
  summary: T
  /** The raw profile, in the run's profiles folder. */
  file: string
}

export interface Sampling {
  samples: Sample[]
  heap: Timed<HeapSummary>[]
  goroutines: Timed<GoroutineSummary>[]
  notes: string[]
  /** Responses the built-in load received while sampling; null for a load-command. */
  requests: number | null
  /** `goroutine?debug=2` at the end: wait reasons, ages and creators. */
  goroutineText: GoroutineTextGroup[] | null
  /** `goroutineleak` at the end, when the service was built with the experiment. */
  goroutineLeaks: GoroutineSummary | null
}

export async function sample(req: SamplerRequest): Promise<Sampling> {
  mkdirSync(req.profilesDir, { recursive: true })
  const client = new PprofClient(req.pprofUrl, Math.max(5000, 2 * req.intervalMs), req.signal)
  const out: Sampling = {
    samples: [],
    heap: [],
    goroutines: [],
    notes: [],
    requests: null,
    goroutineText: null,
    goroutineLeaks: null
  }
  const count = Math.floor(req.durationMs / req.intervalMs) + 1
  const requestsAtStart = req.load.responses()
  const start = Date.now()
  for (let i = 0; i < count; i++) {
    await sleep(start + i * req.intervalMs - Date.now(), req.signal)
    if (req.signal?.aborted) throw new GateError('cancelled while sampling')
    await checkAlive(req)
    const t = (Date.now() - start) / 1000
    try {
      const s = await takeSample(client, req, i, t, out)
      out.samples.push(s)
      req.log(
        `  ${t.toFixed(1).padStart(6)}s  heap ${formatBytes(s.heapInuseBytes).padStart(10)}  goroutines ${String(s.goroutines).padStart(6)}` +
          (s.rssBytes === null ? '' : `  rss ${formatBytes(s.rssBytes).padStart(10)}`)
      )
    } catch (e) {
      await checkAlive(req)
      if (req.signal?.aborted) throw new GateError('cancelled while sampling')
      out.notes.push(`sample ${i + 1} at ${t.toFixed(1)}s dropped after a retry: ${(e as Error).message}`)
      req.log(`  sample ${i + 1} dropped: ${(e as Error).message}`)
    }
  }
  if (out.samples.length > 0 && out.samples.every((s) => s.rssBytes === null))
    out.notes.push(`RSS is not read on ${process.platform}: only Linux (/proc) and macOS (ps) give it`)
  const requestsAtEnd = req.load.responses()
  out.requests = requestsAtStart === null || requestsAtEnd === null ? null : requestsAtEnd - requestsAtStart
  await readEndProfiles(client, req, out)
  return out
}

async function takeSample(
  client: PprofClient,
  req: SamplerRequest,
  i: number,
  t: number,
  out: Sampling
): Promise<Sample> {
  let live = { heapAllocBytes: Infinity, heapObjects: 0 }
  let goroutineCount = Infinity
  for (let r = 0; r < READINGS; r++) {
    if (r > 0) await sleep(READING_GAP_MS, req.signal)
    const reading = parseMemStats((await client.get('heap?gc=1&debug=1')).toString('utf8'))
    if (reading.heapAllocBytes < live.heapAllocBytes) live = reading
    goroutineCount = Math.min(
      goroutineCount,
      parseGoroutineTotal((await client.get('goroutine?debug=1')).toString('utf8'))
    )
  }
  const heapRaw = await client.get('heap?gc=1')
  const goroutineRaw = await client.get('goroutine')
  const rssBytes = await groupRssBytes(req.service.pid)
  const n = String(i).padStart(3, '0')
  const heapFile = `heap-${n}.pb.gz`
  const goroutineFile = `goroutine-${n}.pb.gz`
  writeFileSync(join(req.profilesDir, heapFile), heapRaw)
  writeFileSync(join(req.profilesDir, goroutineFile), goroutineRaw)
  const own = { modulePaths: req.modulePaths }
  const goroutines = summarizeGoroutines(decodeProfile(goroutineRaw), own)
  out.heap.push({ t, summary: summarizeHeap(decodeProfile(heapRaw), own), file: heapFile })
  out.goroutines.push({ t, summary: goroutines, file: goroutineFile })
  return {
    t,
    heapInuseBytes: live.heapAllocBytes,
    heapInuseObjects: live.heapObjects,
    goroutines: goroutineCount,
    rssBytes
  }
}

async function readEndProfiles(client: PprofClient, req: SamplerRequest, out: Sampling): Promise<void> {
  try {
    const text = await client.get('goroutine?debug=2')
    writeFileSync(join(req.profilesDir, 'goroutine-debug2.txt'), text)
    out.goroutineText = parseGoroutineText(text.toString('utf8'), { modulePaths: req.modulePaths })
  } catch (e) {
    out.notes.push(`goroutine?debug=2 could not be read: ${(e as Error).message}`)
  }
  if (!req.readGoroutineLeaks) return
  try {
    const raw = await client.get('goroutineleak')
    writeFileSync(join(req.profilesDir, 'goroutineleak.pb.gz'), raw)
    out.goroutineLeaks = summarizeGoroutines(decodeProfile(raw), { modulePaths: req.modulePaths })
  } catch (e) {
    out.notes.push(`goroutineleak profile could not be read: ${(e as Error).message}`)
  }
}

async function checkAlive(req: SamplerRequest): Promise<void> {
  if (req.service.hasExited()) {
    const how = await req.service.exited
    throw new GateError(`the service ${how} during the run`, req.service.output.text())
  }
}
