// The Go 1.26 goroutineleak profile (GOEXPERIMENT=goroutineleakprofile): goroutines the
// GC proved unreachable-blocked. It has the goroutine profile's shape, so it is summarized
// by summarizeGoroutines and joined by the blocking frame.
import { frameString } from './frames.js'
import type { Frame } from './profile.js'
import type { GoroutineSummary } from './goroutines.js'

/** Marks the groups (of any summary keyed by frame) that hold proven-leaked goroutines. */
export function markProvenLeaks<T extends Frame>(
  groups: T[],
  leaked: GoroutineSummary
): Array<T & { provenLeaked: boolean }> {
  const keys = new Set(leaked.groups.filter((g) => g.count > 0).map(frameString))
  return groups.map((g) => ({ ...g, provenLeaked: keys.has(frameString(g)) }))
}
