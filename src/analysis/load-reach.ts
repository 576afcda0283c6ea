// Whether the load reached the service's own code. A load whose every request is answered
// by a 404 or a redirect, or sent to another port, still makes net/http allocate (about
// 2 KiB a request), so the service's allocation rate alone cannot tell it from a load that
// works; what the service's own code allocated can: the heap profile's alloc_space of
// stacks through its module, under load against a short idle stretch before it.
import type { IdleStretch, Judgement, LoadReach, Run, Sampling, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'

/**
 * What the service did idle and under load, and whether the load reached its code: the
 * profile saw its own code allocate at least one sample's worth while sampling, in stacks
 * that did not allocate idle (a ticker's or a cache refresher's work is no load). Null
 * without an idle stretch, a TotalAlloc window or two heap profiles.
 */
export function loadReach(
  idle: IdleStretch | null,
  allocated: Sampling['allocated'],
  heapProfiles: readonly Timed<HeapSummary>[]
): LoadReach | null {
  const [first, last] = [heapProfiles[0], heapProfiles.at(-1)]
  if (!idle || !allocated || !first || !last || first === last) return null
  const sampledSec = last.t - first.t
  if (idle.seconds <= 0 || allocated.seconds <= 0 || sampledSec <= 0) return null
  const ownBytes = allocatedBeyond(first.summary, last.summary, new Set(idle.busyStacks))
  // A sampled object counts at least the sampling rate's worth of bytes: less is no sample.
  const seen = ownBytes > 0 && ownBytes >= last.summary.samplingRateBytes
  return {
    idleSec: idle.seconds,
    idleAllocBytesPerSec: idle.allocBytes / idle.seconds,
    idleOwnAllocBytesPerSec: idle.ownAllocBytes / idle.seconds,
    sampledSec,
    allocBytesPerSec: allocated.bytes / allocated.seconds,
    ownAllocBytesPerSec: ownBytes / sampledSec,
    heapSamplingRateBytes: last.summary.samplingRateBytes,
    outcome: seen ? 'reached' : 'missed'
  }
}

/** Own allocation from one profile to a later one, leaving out the stacks that allocate idle. */
function allocatedBeyond(first: HeapSummary, last: HeapSummary, idleStacks: Set<string>): number {
  let bytes = 0
  for (const [stack, total] of last.ownAllocByStack)
    if (!idleStacks.has(stack)) bytes += Math.max(0, total - (first.ownAllocByStack.get(stack) ?? 0))
  return bytes
}

/**
 * A load-command that missed the code judges nothing: the run is inconclusive, never a pass.
 * The built-in load is checked by its answers instead (non-2xx are counted, and mostly
 * failing ones stop the run): a 2xx was served by a handler, even one that allocates little.
 */
export function loadMissedCode(run: Pick<Run, 'load' | 'loadReach'>): Judgement | null {
  if (run.load.kind !== 'command' || run.loadReach?.outcome !== 'missed') return null
  return {
    outcome: 'inconclusive',
    rule: 'load-missed-code',
    series: null,
    against: 'limit',
    loadReach: run.loadReach
  }
}
