// Names the lines that leak: per allocation site and per goroutine group, the growth
// between the first and the last sample, told apart from sampling noise.
import { frameString } from '../profile/frames.js'
import { markProvenLeaks } from '../profile/goroutine-leak.js'
import type { GoroutineTextGroup } from '../profile/goroutine-text.js'
import type { GoroutineSummary } from '../profile/goroutines.js'
import { diffHeap, type HeapDiff } from '../profile/diff.js'
import { allocationSites, type HeapSummary } from '../profile/heap.js'
import { toRepoPath, type RepoLayout } from '../profile/paths.js'
import type { GoroutineGroup, HeapSite } from '../model.js'

/**
 * Growth is noise below this many standard deviations: one-sided, and strict enough for
 * the hundreds of sites of an exact profile not to raise a false alarm between them.
 */
const noiseSigmas = 3

/** Goroutine counts are exact, but requests in flight move them by a few. */
const minGoroutineGrowth = 3

function byKey<T extends { function: string; file: string; line: number }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [frameString(i), i]))
}

function repoPath(file: string, layout?: RepoLayout): { repoPath?: string } {
  const rel = layout && toRepoPath(file, layout)
  return rel ? { repoPath: rel } : {}
}

/**
 * Whether a site's growth could come from chance alone: the two samples' counts are
 * independent Poisson draws, so their difference has the sum of their variances
 * (HeapDiff). A new site of d samples needs d > 3√d: 10 samples, that is 10 objects when
 * exact and ~5 MiB of small objects at the default 512 KiB.
 */
export function isWithinNoise(growthBytes: number, varianceBytes2: number): boolean {
  return growthBytes <= noiseSigmas * Math.sqrt(varianceBytes2)
}

/**
 * Whether a site grew past the profile's sampling noise between the two profiles: a line
 * of the service, or new goroutines (whose `go` statement the goroutine table names).
 */
export function namesHeapGrowth(first: HeapSummary, last: HeapSummary): boolean {
  return attributeHeap(diffHeap(first, last), 0, null).some((s) => !s.withinNoise)
}

/** Sites whose live heap grew, most growth first. */
export function attributeHeap(
  diff: HeapDiff,
  elapsedSec: number,
  requests: number | null,
  layout?: RepoLayout
): HeapSite[] {
  return allocationSites(diff.stacks)
    .filter((site) => site.bytes > 0)
    .map((site) => ({
      function: site.function,
      file: site.file,
      line: site.line,
      ...repoPath(site.file, layout),
      ...(site.kind ? { kind: site.kind } : {}),
      callPath: site.callPath,
      inuseBytesGrowth: site.bytes,
      inuseObjectsGrowth: site.objects,
      bytesPerSec: elapsedSec > 0 ? site.bytes / elapsedSec : 0,
      ...(requests ? { bytesPerRequest: site.bytes / requests } : {}),
      withinNoise: isWithinNoise(site.bytes, site.varianceBytes2)
    }))
}

export interface GoroutineExtras {
  /** The last sample's ?debug=2 dump: the runtime's wait reasons and creators. */
  text?: GoroutineTextGroup[]
  /** The goroutineleak profile, summarized: its groups are proven leaks. */
  leaked?: GoroutineSummary
  layout?: RepoLayout
}

/** Goroutine groups that grew (or are proven leaked), most growth first. */
export function attributeGoroutines(
  first: GoroutineSummary,
  last: GoroutineSummary,
  elapsedSec: number,
  extras: GoroutineExtras = {}
): GoroutineGroup[] {
  const before = byKey(first.groups)
  const text = byKey(extras.text ?? [])
  const groups = extras.leaked
    ? markProvenLeaks(last.groups, extras.leaked)
    : last.groups.map((g) => ({ ...g, provenLeaked: false }))
  const grown: GoroutineGroup[] = []
  for (const g of groups) {
    const key = frameString(g)
    const growth = g.count - (before.get(key)?.count ?? 0)
    // Proven leaks are always reported, however few.
    if (growth < minGoroutineGrowth && !g.provenLeaked) continue
    const dump = text.get(key)
    const waitReason = dump?.waitReason ?? g.waitReason
    grown.push({
      function: g.function,
      file: g.file,
      line: g.line,
      ...repoPath(g.file, extras.layout),
      callPath: g.callPath,
      ...(waitReason ? { waitReason } : {}),
      ...(dump?.createdBy ? { createdBy: dump.createdBy } : {}),
      countGrowth: growth,
      perSec: elapsedSec > 0 ? growth / elapsedSec : 0,
      count: g.count,
      ...(g.provenLeaked ? { provenLeaked: true } : {})
    })
  }
  return grown.sort((a, b) => b.countGrowth - a.countGrowth)
}
