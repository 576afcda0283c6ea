// Names the lines that leak: per allocation site and per goroutine group, the growth
// between the first and the last sample, told apart from sampling noise.
import { frameString } from '../profile/frames.js'
import { markProvenLeaks } from '../profile/goroutine-leak.js'
import type { GoroutineTextGroup } from '../profile/goroutine-text.js'
import type { GoroutineSummary } from '../profile/goroutines.js'
import type { AllocationSite, HeapSummary } from '../profile/heap.js'
import { toRepoPath, type RepoLayout } from '../profile/paths.js'
import type { GoroutineStack, HeapSite } from '../model.js'

/**
 * Growth is noise below this many standard deviations: one-sided, and strict enough for
 * the hundreds of sites of an exact profile not to raise a false alarm between them.
 */
export const noiseSigmas = 3

/** Goroutine counts are exact, but requests in flight move them by a few. */
export const minGoroutineGrowth = 3

function byKey<T extends { function: string; file: string; line: number }>(items: T[]): Map<string, T> {
  return new Map(items.map((i) => [frameString(i), i]))
}

function repoPath(file: string, layout?: RepoLayout): { repoPath?: string } {
  const rel = layout && toRepoPath(file, layout)
  return rel ? { repoPath: rel } : {}
}

/**
 * Whether a site's growth could come from chance alone: the two samples' counts are
 * independent Poisson draws (AllocationSite.inuseBytesVariance), so their difference
 * has the sum of their variances. A new site of d samples needs d > 3√d: 10 samples,
 * that is 10 objects when exact and ~5 MiB of small objects at the default 512 KiB.
 */
export function isWithinNoise(
  growthBytes: number,
  first: AllocationSite | undefined,
  last: AllocationSite | undefined
): boolean {
  const sd = Math.sqrt((first?.inuseBytesVariance ?? 0) + (last?.inuseBytesVariance ?? 0))
  return growthBytes <= noiseSigmas * sd
}

/** Sites whose live heap grew, most growth first. */
export function attributeHeap(
  first: HeapSummary,
  last: HeapSummary,
  elapsedSec: number,
  requests: number | null,
  layout?: RepoLayout
): HeapSite[] {
  const before = byKey(first.sites)
  const sites: HeapSite[] = []
  for (const site of last.sites) {
    const base = before.get(frameString(site))
    const growthBytes = site.inuseBytes - (base?.inuseBytes ?? 0)
    if (growthBytes <= 0) continue
    sites.push({
      function: site.function,
      file: site.file,
      line: site.line,
      ...repoPath(site.file, layout),
      callPath: site.callPath,
      inuseBytesGrowth: growthBytes,
      inuseObjectsGrowth: site.inuseObjects - (base?.inuseObjects ?? 0),
      bytesPerSec: elapsedSec > 0 ? growthBytes / elapsedSec : 0,
      ...(requests ? { bytesPerRequest: growthBytes / requests } : {}),
      withinNoise: isWithinNoise(growthBytes, base, site)
    })
  }
  return sites.sort((a, b) => b.inuseBytesGrowth - a.inuseBytesGrowth)
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
): GoroutineStack[] {
  const before = byKey(first.groups)
  const text = byKey(extras.text ?? [])
  const groups = extras.leaked
    ? markProvenLeaks(last.groups, extras.leaked)
    : last.groups.map((g) => ({ ...g, provenLeaked: false }))
  const stacks: GoroutineStack[] = []
  for (const g of groups) {
    const key = frameString(g)
    const growth = g.count - (before.get(key)?.count ?? 0)
    // Proven leaks are always reported, however few.
    if (growth < minGoroutineGrowth && !g.provenLeaked) continue
    const dump = text.get(key)
    const waitReason = dump?.waitReason ?? g.waitReason
    stacks.push({
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
  return stacks.sort((a, b) => b.countGrowth - a.countGrowth)
}
