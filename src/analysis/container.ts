// A container reallocating, seen in the heap profile: its growth is held by a few large
// arrays at one allocation site (a map's tables, a bytes.Buffer's or a slice's backing
// array), each reallocation replacing the last, where a leak of records adds many small
// objects. Pure: reads the sites attribution.ts made.
import type { HeapSite } from '../model.js'

/** A few arrays: a map's directory of tables, or one array and the one replacing it. */
const FEW_OBJECTS = 64
/** Each at least this large on average: a container's array, not a record. */
const LARGE_OBJECT_BYTES = 64 * 1024

/**
 * The site that holds most of the growth, when it holds it in a few large objects. Read
 * for a series already seen to grow in steps, so a site the profile's noise model leaves
 * within its noise counts too: that model takes live objects for a Poisson count, and one
 * array replaced by a larger (a bytes.Buffer, a slice of values) is a count of one.
 */
export function reallocatingSite(sites: HeapSite[]): HeapSite | null {
  const top = sites.find((s) => !s.kind && s.inuseBytesGrowth > 0)
  if (!top) return null
  const objects = top.inuseObjectsGrowth
  const few = objects <= FEW_OBJECTS
  const large = objects <= 0 || top.inuseBytesGrowth / objects >= LARGE_OBJECT_BYTES
  return few && large ? top : null
}
