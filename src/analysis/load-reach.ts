// Whether the load reached the service's own code. A load whose every request is answered
// by a 404 or a redirect, or sent to another port, still makes net/http allocate (about
// 2 KiB a request), so the service's allocation rate alone cannot tell it from a load that
// works; what the service's own code allocated can: the heap profile's alloc_space of
// stacks through its module, under load against a short idle stretch before it.
import type { IdleStretch, Judgement, LoadReach, Sampling, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'

/** Own allocation under load must exceed the idle rate by this factor: a ticker's work is no load. */
const ABOVE_IDLE_FACTOR = 2

/**
 * What the service did idle and under load, and whether the load reached its code: the
 * profile saw its own code allocate at least one sample's worth while sampling, faster than
 * twice its idle rate. Null without an idle stretch, a TotalAlloc window or two heap profiles.
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
  const ownBytes = last.summary.ownAllocBytes - first.summary.ownAllocBytes
  const ownAllocBytesPerSec = ownBytes / sampledSec
  const idleOwnAllocBytesPerSec = idle.ownAllocBytes / idle.seconds
  // A sampled object counts at least the sampling rate's worth of bytes: less is no sample.
  const seen = ownBytes > 0 && ownBytes >= last.summary.samplingRateBytes
  return {
    idleSec: idle.seconds,
    idleAllocBytesPerSec: idle.allocBytes / idle.seconds,
    idleOwnAllocBytesPerSec,
    sampledSec,
    allocBytesPerSec: allocated.bytes / allocated.seconds,
    ownAllocBytesPerSec,
    heapSamplingRateBytes: last.summary.samplingRateBytes,
    outcome: seen && ownAllocBytesPerSec > ABOVE_IDLE_FACTOR * idleOwnAllocBytesPerSec ? 'reached' : 'missed'
  }
}

/** A load that missed the code judges nothing: the run is inconclusive, never a pass. */
export function loadMissedCode(reach: LoadReach | undefined): Judgement | null {
  if (reach?.outcome !== 'missed') return null
  return {
    outcome: 'inconclusive',
    rule: 'load-missed-code',
    series: null,
    against: 'limit',
    loadReach: reach
  }
}
