// Names the lines that leak: per allocation site and per goroutine group, the growth
// between the first and the last sample, told apart from sampling noise.
import { entryIndex, frameString, packageOf } from '../profile/frames.js'
import { markProvenLeaks } from '../profile/goroutine-leak.js'
import type { GoroutineOrigin, GoroutineTextGroup } from '../profile/goroutine-text.js'
import type { GoroutineSummary } from '../profile/goroutines.js'
import { diffHeap, type HeapDiff } from '../profile/diff.js'
import { allocationSites, type AllocationSite, type HeapStack, type HeapSummary } from '../profile/heap.js'
import { toRepoPath, type RepoLayout } from '../profile/paths.js'
import type { Frame } from '../profile/profile.js'
import type { ChangedLines, GoroutineGroup, HeapSite } from '../model.js'
import { reallocatingSite } from './container.js'

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

/** Two-sided 95 %: the interval of a site's bytes per request. */
const intervalSigmas = 1.96

/**
 * What the heap profile names as growing between two profiles: a site past its sampling
 * noise (a line of the service, or new goroutines, whose `go` statement the goroutine
 * table names); else a container's arrays at one site, which that noise model cannot
 * clear (one array replaced by a larger is a count of one); else nothing.
 */
export type HeapNamed = 'line' | 'container' | 'nothing'

export function heapProfileNames(first: HeapSummary, last: HeapSummary): HeapNamed {
  const sites = attributeHeap(diffHeap(first, last), 0, null)
  if (sites.some((s) => !s.withinNoise)) return 'line'
  return reallocatingSite(sites) ? 'container' : 'nothing'
}

/** What links heap growth to the service beyond the stacks themselves. */
export interface HeapLinks {
  layout?: RepoLayout
  /** From the goroutine dump: who started the goroutines that stacks without the service began in. */
  origins?: GoroutineOrigin[]
  /** Repository path → the lines the pull request changed there (head side). */
  changedLines?: ChangedLines
}

/** Sites whose live heap grew: the pull request's own lines first, then most growth first. */
export function attributeHeap(
  diff: HeapDiff,
  elapsedSec: number,
  requests: number | null,
  links: HeapLinks = {}
): HeapSite[] {
  const sites = mergeWithinNoise(allocationSites(diff.stacks).filter((site) => site.bytes > 0))
  const origins = new Map((links.origins ?? []).map((o) => [o.entry, o]))
  return sites
    .map(({ site, merged }) => {
      const sd = Math.sqrt(site.varianceBytes2)
      // No service frame on its stacks: linked through the goroutine its largest stack ran on.
      const origin = site.owner !== 'service' && !site.kind ? origins.get(entryOf(site)) : undefined
      const changed = links.changedLines && touchesChangedLines(site.stacks, links.changedLines, links.layout)
      return {
        function: site.function,
        file: site.file,
        line: site.line,
        ...repoPath(site.file, links.layout),
        ...(site.kind ? { kind: site.kind } : {}),
        owner: site.owner,
        ...(origin?.origin ? { startedBy: startedBy(origin.origin, diff.stacks, links.layout) } : {}),
        ...(origin?.createdBy ? { goroutinesCreatedBy: origin.createdBy } : {}),
        ...(merged ? { merged } : {}),
        ...(changed ? { changedInPr: true } : {}),
        callPath: site.callPath,
        inuseBytesGrowth: site.bytes,
        inuseObjectsGrowth: site.objects,
        bytesPerSec: elapsedSec > 0 ? site.bytes / elapsedSec : 0,
        ...(requests
          ? {
              bytesPerRequest: site.bytes / requests,
              bytesPerRequestInterval: {
                low: Math.max(0, site.bytes - intervalSigmas * sd) / requests,
                high: (site.bytes + intervalSigmas * sd) / requests
              }
            }
          : {}),
        withinNoise: isWithinNoise(site.bytes, site.varianceBytes2)
      }
    })
    .sort((a, b) => Number(b.changedInPr ?? false) - Number(a.changedInPr ?? false))
}

/** The function the goroutine of a site's largest stack began in (the site's own, for the standard library's). */
function entryOf(site: AllocationSite): string {
  const largest = site.stacks.reduce((a, b) => (b.bytes > a.bytes ? b : a), site.stacks[0])
  return largest ? largest.frames[entryIndex(largest.frames)].function : site.function
}

type Merged = NonNullable<HeapSite['merged']>

/** Sums sites into one charged to the largest's line. */
function sumSites(rows: AllocationSite[]): AllocationSite {
  const [largest] = rows
  return {
    ...largest,
    bytes: rows.reduce((n, r) => n + r.bytes, 0),
    objects: rows.reduce((n, r) => n + r.objects, 0),
    varianceBytes2: rows.reduce((n, r) => n + r.varianceBytes2, 0),
    stacks: rows.flatMap((r) => r.stacks)
  }
}

/**
 * Rows each within the noise can be past it together: the lines of one function, then the
 * functions of one library. Such a group is tested as one row and replaces its rows;
 * rows past the noise on their own stay as they are. Most growth first.
 */
function mergeWithinNoise(sites: AllocationSite[]): Array<{ site: AllocationSite; merged?: Merged }> {
  const out: Array<{ site: AllocationSite; merged?: Merged }> = []
  let rest = sites.filter((s) => {
    if (s.kind || !isWithinNoise(s.bytes, s.varianceBytes2)) out.push({ site: s })
    return !s.kind && isWithinNoise(s.bytes, s.varianceBytes2)
  })
  const groupings: Array<[Merged['by'], (s: AllocationSite) => string | null]> = [
    ['function', (s) => s.function],
    ['library', (s) => (s.owner === 'library' ? libraryOf(s.function) : null)]
  ]
  for (const [by, keyOf] of groupings) {
    const groups = new Map<string, AllocationSite[]>()
    for (const s of rest) {
      const key = keyOf(s)
      if (key !== null) groups.set(key, [...(groups.get(key) ?? []), s])
    }
    const mergedAway = new Set<AllocationSite>()
    for (const rows of groups.values()) {
      if (rows.length < 2) continue
      const site = sumSites(rows)
      if (isWithinNoise(site.bytes, site.varianceBytes2)) continue
      out.push({ site, merged: { by, rows: rows.length } })
      rows.forEach((r) => mergedAway.add(r))
    }
    rest = rest.filter((s) => !mergedAway.has(s))
  }
  return [...out, ...rest.map((site) => ({ site }))].sort((a, b) => b.site.bytes - a.site.bytes)
}

/**
 * The library of a function: its module's likely root, the package path cut after the
 * host's owner and name ("github.com/gorilla/context/sub.F" → "github.com/gorilla/context").
 */
function libraryOf(fn: string): string {
  const parts = packageOf(fn).split('/')
  return parts.slice(0, parts[0].includes('.') ? 3 : 1).join('/')
}

/**
 * An ancestor's frame is a return address: its line can be the statement after the call.
 * The heap's own stacks through that function hold the call's true line, at or above it.
 */
function snapToCallLine(origin: Frame, stacks: HeapStack[]): Frame {
  let best: Frame | undefined
  for (const s of stacks)
    for (const f of s.frames)
      if (
        f.function === origin.function &&
        f.file === origin.file &&
        f.line <= origin.line &&
        f.line > (best?.line ?? 0)
      )
        best = f
  return best ?? origin
}

function startedBy(
  origin: Frame,
  stacks: HeapStack[],
  layout?: RepoLayout
): NonNullable<HeapSite['startedBy']> {
  const f = snapToCallLine(origin, stacks)
  return { function: f.function, file: f.file, line: f.line, ...repoPath(f.file, layout) }
}

function touchesChangedLines(stacks: HeapStack[], changed: ChangedLines, layout?: RepoLayout): boolean {
  return stacks.some((s) =>
    s.frames.some((f) => {
      const rel = layout && toRepoPath(f.file, layout)
      return rel !== undefined && (changed[rel]?.includes(f.line) ?? false)
    })
  )
}

export interface GoroutineExtras {
  /** The last sample's ?debug=2 dump: the runtime's wait reasons and creators. */
  text?: GoroutineTextGroup[]
  /** The goroutineleak profile, summarized: its groups are proven leaks. */
  leaked?: GoroutineSummary
  /** Who started the goroutines that began in the standard library or a library (goroutineOrigins). */
  origins?: GoroutineOrigin[]
  /** The heap's stacks, whose lines correct the ancestors' return addresses (snapToCallLine). */
  heapStacks?: HeapStack[]
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
  const origins = new Map((extras.origins ?? []).map((o) => [o.entry, o]))
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
    const origin = g.beganIn === undefined ? undefined : origins.get(g.beganIn)?.origin
    grown.push({
      function: g.function,
      file: g.file,
      line: g.line,
      ...repoPath(g.file, extras.layout),
      callPath: g.callPath,
      ...(waitReason ? { waitReason } : {}),
      ...(dump?.createdBy ? { createdBy: dump.createdBy } : {}),
      ...(g.entry ? { entry: g.entry } : {}),
      ...(origin ? { startedBy: startedBy(origin, extras.heapStacks ?? [], extras.layout) } : {}),
      countGrowth: growth,
      perSec: elapsedSec > 0 ? growth / elapsedSec : 0,
      count: g.count,
      ...(g.provenLeaked ? { provenLeaked: true } : {})
    })
  }
  return grown.sort((a, b) => b.countGrowth - a.countGrowth)
}
