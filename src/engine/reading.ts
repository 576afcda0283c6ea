// One reading of the live heap and the goroutine count, taken so that it measures what
// the service retains, not what requests in flight hold at that instant.
import { GateError } from '../errors.js'
import type { Load, PauseState } from './load.js'
import { parseGoroutineTotal, parseMemStats, type PprofClient } from './pprof-client.js'
import { sleep } from './processes.js'

/**
 * Quiesced: the load is paused until nothing is in flight, then the heap is read after two
 * forced GCs (the second empties what sync.Pool's victim cache kept through the first).
 * The least of several readings is the fallback, when the load cannot be paused or does
 * not drain, and the whole method when quiescing is off: a forced GC under load counts what
 * requests in flight hold, noise that only ever adds, so the least of a few readings a
 * moment apart sits closest to what is retained.
 */
const LEAST_OF_READINGS = 4
const READING_GAP_MS = 50
/** How long a paused load may take to drain before the fallback is used. */
const DRAIN_TIMEOUT_MS = 2000
/** A load-command is drained when the goroutine count holds over this gap. */
const SETTLE_GAP_MS = 20

export interface Reading {
  liveHeapBytes: number
  liveHeapObjects: number
  goroutines: number
  /** runtime.MemStats.TotalAlloc: bytes allocated since the service started. */
  totalAllocBytes: number
  method: 'quiesced' | 'least-of-4'
  /** How long the load was paused for this reading; 0 when it was not. */
  pauseMs: number
  /** A pause that did not drain in time: the least-of-4 fallback was used. */
  notDrained: boolean
  /** What the forced GCs cost the service, ms, measured as `gcCostMeasure` says. */
  gcCostMs: number
  /**
   * 'cpu': the service's CPU time across the forced GCs, read with the load paused, when the
   * service did nothing else; 'wall': their wall time, one core busy, when it served load
   * meanwhile or its CPU time cannot be read.
   */
  gcCostMeasure: 'cpu' | 'wall'
}

export interface ReadingRequest {
  client: PprofClient
  load: Load
  quiesce: boolean
  signal?: AbortSignal
  /** Runs while the load is still paused (raw profiles at the looks), after the reading. */
  whilePaused?: () => Promise<void>
  /** The service's CPU seconds so far (rss.ts groupCpuSec); null where it cannot be read. */
  serviceCpuSec: () => number | null
}

type Measured = Omit<Reading, 'method' | 'pauseMs' | 'notDrained'>

export async function takeReading(req: ReadingRequest): Promise<Reading> {
  if (!req.quiesce) {
    const reading = await leastOfReadings(req)
    await req.whilePaused?.()
    return { ...reading, method: 'least-of-4', pauseMs: 0, notDrained: false }
  }
  const started = Date.now()
  try {
    const drained = await drain(req, await req.load.pause(DRAIN_TIMEOUT_MS))
    const reading = drained ? await quiescedReading(req) : await leastOfReadings(req)
    await req.whilePaused?.()
    return {
      ...reading,
      method: drained ? 'quiesced' : 'least-of-4',
      pauseMs: Date.now() - started,
      notDrained: !drained
    }
  } finally {
    req.load.resume()
  }
}

/** Waits until nothing is in flight; a frozen load-command has drained when the goroutines settle. */
async function drain(req: ReadingRequest, state: PauseState): Promise<boolean> {
  if (state === 'busy') return false
  if (state === 'frozen') {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS
    let before = await goroutineTotal(req.client)
    for (;;) {
      await sleep(SETTLE_GAP_MS, req.signal)
      const now = await goroutineTotal(req.client)
      if (now === before) break
      if (Date.now() > deadline) return false
      before = now
    }
  }
  // Handlers that have just answered are still returning: let them finish.
  await sleep(SETTLE_GAP_MS, req.signal)
  return true
}

/**
 * No CPU tick over GCs that took this long: the service's work is not in the process group
 * read (a start-command that ran it under setsid), so the wall time stands for it. Shorter
 * GCs may well fit between two 10 ms ticks.
 */
const CPU_UNSEEN_AFTER_MS = 50
const cpuUnseen = (cpuSec: number, wallMs: number) => cpuSec <= 0 && wallMs >= CPU_UNSEEN_AFTER_MS

async function quiescedReading(req: ReadingRequest): Promise<Measured> {
  const cpuBefore = req.serviceCpuSec()
  const started = performance.now()
  await req.client.get('heap?gc=1&debug=1')
  const heap = parseMemStats((await req.client.get('heap?gc=1&debug=1')).toString('utf8'))
  const wallMs = performance.now() - started
  const cpuAfter = cpuBefore === null ? null : req.serviceCpuSec()
  return {
    liveHeapBytes: heap.heapAllocBytes,
    liveHeapObjects: heap.heapObjects,
    totalAllocBytes: heap.totalAllocBytes,
    // Read before the goroutine count, which forces no GC and is no part of the cost.
    ...(cpuBefore === null || cpuAfter === null || cpuUnseen(cpuAfter - cpuBefore, wallMs)
      ? { gcCostMs: wallMs, gcCostMeasure: 'wall' as const }
      : { gcCostMs: 1000 * Math.max(0, cpuAfter - cpuBefore), gcCostMeasure: 'cpu' as const }),
    goroutines: await goroutineTotal(req.client)
  }
}

async function leastOfReadings(req: ReadingRequest): Promise<Measured> {
  let heap = { heapAllocBytes: Infinity, heapObjects: 0 }
  let totalAllocBytes = 0
  let goroutines = Infinity
  let wallMs = 0
  for (let r = 0; r < LEAST_OF_READINGS; r++) {
    if (r > 0) await sleep(READING_GAP_MS, req.signal)
    if (req.signal?.aborted) throw new GateError('cancelled while sampling')
    const started = performance.now()
    const reading = parseMemStats((await req.client.get('heap?gc=1&debug=1')).toString('utf8'))
    wallMs += performance.now() - started
    if (reading.heapAllocBytes < heap.heapAllocBytes) heap = reading
    totalAllocBytes = reading.totalAllocBytes
    goroutines = Math.min(goroutines, await goroutineTotal(req.client))
  }
  // Under load the service's CPU time counts the requests it served too: the GCs' wall time stands in.
  return {
    liveHeapBytes: heap.heapAllocBytes,
    liveHeapObjects: heap.heapObjects,
    totalAllocBytes,
    goroutines,
    gcCostMs: wallMs,
    gcCostMeasure: 'wall'
  }
}

async function goroutineTotal(client: PprofClient): Promise<number> {
  return parseGoroutineTotal((await client.get('goroutine?debug=1')).toString('utf8'))
}
