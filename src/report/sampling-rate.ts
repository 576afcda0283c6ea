// What a reader must know when the heap profile is too coarse to name the sites.
import type { Attribution } from '../model.js'

/** The memprofilerate that names a leak of a few dozen bytes a request at the first look. */
const FINE_RATE_BYTES = 4096
/** Coarser than this, small leaks do not show by site at all. */
const COARSE_RATE_BYTES = 64 * 1024

/**
 * At Go's 512 KiB, small leaks do not show by site; at a finer rate, growth that no site
 * could tell from the sampling noise (a leak of a few dozen bytes a request caught at the
 * first look). Null when the rate says nothing the sites do not.
 */
export function describeSamplingRate(a: Attribution): string | null {
  const rate = a.heapSamplingRateBytes
  if (rate === undefined) return null
  const kib = Math.round(rate / 1024)
  if (rate > COARSE_RATE_BYTES)
    return `The heap profile samples one allocation per ${kib} KiB: small leaks may not show by site. Set memprofilerate for finer attribution.`
  if (rate > FINE_RATE_BYTES && a.heap.length > 0 && a.heap.every((s) => s.withinNoise))
    return `The heap grew, but no allocation site's growth cleared the heap profile's sampling noise (one sample per ${kib} KiB): memprofilerate: ${FINE_RATE_BYTES} names a leak of a few dozen bytes a request at once, at more CPU for a service that allocates much.`
  return null
}
