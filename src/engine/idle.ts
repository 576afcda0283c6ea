// A short idle stretch before the load starts: what the service allocates doing nothing,
// in all and through its own code, for the check that the load reached that code
// (analysis/load-reach.ts). Read from pprof, as the samples are.
import { GateError } from '../errors.js'
import type { IdleStretch } from '../model.js'
import { decodeProfile } from '../profile/decode.js'
import { summarizeHeap, type HeapSummary } from '../profile/heap.js'
import type { GoModuleFolder } from '../profile/paths.js'
import { parseMemStats, PprofClient } from './pprof-client.js'
import { sleep } from './processes.js'

/** Long enough for a ticker's work to show, short beside a warm-up. */
const IDLE_STRETCH_MS = 2000
/** A pprof that does not answer here only costs the check, not the run: its samples say why. */
const TIMEOUT_MS = 10_000

/** gc=1: the profile's alloc_space is as of the last GC; forcing one brings it to now, as each sample's does. */
async function heapNow(client: PprofClient, modules: GoModuleFolder[]): Promise<HeapSummary> {
  return summarizeHeap(decodeProfile(await client.get('heap?gc=1')), { modules })
}

/** TotalAlloc, and when it was read. */
async function totalAlloc(client: PprofClient): Promise<{ atMs: number; bytes: number }> {
  const { totalAllocBytes } = parseMemStats((await client.get('heap?debug=1')).toString('utf8'))
  return { atMs: performance.now(), bytes: totalAllocBytes }
}

/**
 * The idle stretch, or null when pprof could not be read for it, however it failed: the
 * check is then not made, and sampling reports what is wrong with pprof in its own words.
 */
export async function measureIdle(
  pprofUrl: string,
  modules: GoModuleFolder[],
  signal?: AbortSignal
): Promise<IdleStretch | null> {
  const client = new PprofClient(pprofUrl, TIMEOUT_MS, signal)
  try {
    // The profiles outside the TotalAlloc readings: what writing them allocates is not the service's.
    const ownBefore = await heapNow(client, modules)
    const before = await totalAlloc(client)
    await sleep(IDLE_STRETCH_MS, signal)
    const after = await totalAlloc(client)
    const ownAfter = await heapNow(client, modules)
    const grown = [...ownAfter.ownAllocByStack].flatMap(([stack, bytes]) => {
      const more = bytes - (ownBefore.ownAllocByStack.get(stack) ?? 0)
      return more > 0 ? [{ stack, more }] : []
    })
    return {
      seconds: (after.atMs - before.atMs) / 1000,
      allocBytes: after.bytes - before.bytes,
      ownAllocBytes: grown.reduce((sum, g) => sum + g.more, 0),
      busyStacks: grown.map((g) => g.stack)
    }
  } catch {
    // Any failure (refused, cut short, timed out, not a profile) leaves the check unmade;
    // a service that died is noticed, and a pprof that misbehaves is said, by the run.
    if (signal?.aborted) throw new GateError('cancelled before the load started')
    return null
  }
}
