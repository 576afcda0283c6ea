// Reduces a heap profile to the live heap per whole stack, and groups stacks (of a
// summary or of a diff) by the line they are charged to.
import { GateError } from '../errors.js'
import { callPath, frameString, ownCode, ownerOf, siteIndex, type CodeOwner, type OwnCode } from './frames.js'
import type { GoModuleFolder } from './paths.js'
import { sampleTypeIndex, type Frame, type Profile } from './profile.js'

/**
 * 'goroutines': the runtime's record of a new goroutine, allocated by runtime.newproc1
 * on the system stack. Its stack ends at runtime.systemstack and never reaches the `go`
 * statement; the goroutine profile names that, so renderers point there instead.
 */
type HeapStackKind = 'goroutines'

/** One whole stack, its samples merged: the live heap it holds, or in a HeapDiff what it added. */
export interface HeapStack {
  /** Innermost first, as in the profile. */
  frames: Frame[]
  /**
   * The frame the stack is charged to: frames[siteAt] (see siteIndex). A stack of the
   * standard library alone is charged to the function its goroutine began in.
   */
  siteAt: number
  owner: CodeOwner
  kind?: HeapStackKind
  bytes: number
  objects: number
  /**
   * How much bytes varies between samples of a stack that does not leak, bytes²: the sum
   * of sampleVarianceBytes2 over its samples. A difference of two samples has the sum of both.
   */
  varianceBytes2: number
}

/** The stacks charged to one line of code. */
export interface AllocationSite extends Frame {
  owner: CodeOwner
  /** Of the largest stack charged here: innermost first, "function file:line". */
  callPath: string[]
  kind?: HeapStackKind
  bytes: number
  objects: number
  varianceBytes2: number
  /** Every stack charged here, for what reads whole stacks (lines a pull request changed). */
  stacks: HeapStack[]
}

export interface HeapSummary {
  inuseBytes: number
  inuseObjects: number
  /** One sample per this many bytes allocated, on average; 1 is exact. */
  samplingRateBytes: number
  /** In the profile's order. */
  stacks: HeapStack[]
  /**
   * Bytes allocated since the service started by each stack (stackKey) through its own code
   * outside the main goroutine (alloc_space, as of the last GC): what the load made its code
   * do, stack by stack so that what it does idle can be told apart (analysis/load-reach.ts).
   */
  ownAllocByStack: ReadonlyMap<string, number>
}

/**
 * The probability that the runtime samples an object of sizeBytes: its sampler is a
 * Poisson process over allocated bytes with mean gap rateBytes.
 */
export function sampleProbability(sizeBytes: number, rateBytes: number): number {
  return rateBytes <= 1 ? 1 : 1 - Math.exp(-sizeBytes / rateBytes)
}

/**
 * The variance of the live bytes of profile samples of sizeBytes objects, if the site
 * does not leak. Under steady load its live objects are an M/G/∞ queue, so their number
 * is Poisson; the runtime's sampler keeps each with probability prob (a thinned Poisson
 * count is Poisson) and scales it by 1/prob. So n samples vary by √n, each weighing
 * sizeBytes/prob: variance = bytes × sizeBytes / prob. This holds at memprofilerate=1
 * too, where it measures the objects in flight at either instant.
 */
export function sampleVarianceBytes2(bytes: number, sizeBytes: number, rateBytes: number): number {
  return (bytes * sizeBytes) / sampleProbability(sizeBytes, rateBytes)
}

/** Identifies a whole stack across profiles: every frame with its line. */
export function stackKey(frames: Frame[]): string {
  return frames.map(frameString).join('\n')
}

const isGoroutineRecord = (frames: Frame[]): boolean => frames.some((f) => f.function === 'runtime.newproc1')

/**
 * A stack through the service's own code, off the main goroutine (rooted at runtime.main):
 * there a server starts and accepts connections, allocating for each even when every
 * request is answered by a 404; requests are served on goroutines of their own.
 */
const servesRequests = (stack: Frame[], isOwn: OwnCode): boolean =>
  stack.at(-1)?.function !== 'runtime.main' && stack.some(isOwn)

export function summarizeHeap(
  p: Profile,
  options: { modules?: GoModuleFolder[]; isOwn?: OwnCode } = {}
): HeapSummary {
  const objectsAt = sampleTypeIndex(p, 'inuse_objects')
  const bytesAt = sampleTypeIndex(p, 'inuse_space')
  const allocatedAt = sampleTypeIndex(p, 'alloc_space')
  if (objectsAt < 0 || bytesAt < 0) throw new GateError('not a heap profile: no inuse_objects/inuse_space')
  const isOwn = options.isOwn ?? ownCode(options.modules ?? [])
  const rateBytes = p.period > 0 ? p.period : 512 * 1024

  // The runtime writes one sample per stack and object size: merge them per stack.
  const stacks = new Map<string, HeapStack>()
  let inuseBytes = 0
  let inuseObjects = 0
  const ownAllocByStack = new Map<string, number>()
  for (const s of p.samples) {
    if (allocatedAt >= 0 && servesRequests(s.stack, isOwn)) {
      const key = stackKey(s.stack)
      ownAllocByStack.set(key, (ownAllocByStack.get(key) ?? 0) + s.values[allocatedAt])
    }
    const bytes = s.values[bytesAt]
    const objects = s.values[objectsAt]
    if (bytes <= 0 || s.stack.length === 0) continue
    inuseBytes += bytes
    inuseObjects += objects

    const key = stackKey(s.stack)
    let stack = stacks.get(key)
    if (!stack) {
      const siteAt = siteIndex(s.stack, isOwn)
      stack = {
        frames: s.stack,
        siteAt,
        owner: ownerOf(s.stack[siteAt], isOwn),
        ...(isGoroutineRecord(s.stack) ? { kind: 'goroutines' as const } : {}),
        bytes: 0,
        objects: 0,
        varianceBytes2: 0
      }
      stacks.set(key, stack)
    }
    const sizeBytes = s.numLabels.bytes || bytes / Math.max(objects, 1)
    stack.bytes += bytes
    stack.objects += objects
    stack.varianceBytes2 += sampleVarianceBytes2(bytes, sizeBytes, rateBytes)
  }

  return {
    inuseBytes,
    inuseObjects,
    samplingRateBytes: rateBytes,
    stacks: [...stacks.values()],
    ownAllocByStack
  }
}

/**
 * Stacks grouped by the line (and kind) they are charged to, most bytes first. Stacks of
 * the standard library alone group by the function their goroutine began in, whatever line.
 */
export function allocationSites(stacks: HeapStack[]): AllocationSite[] {
  const sites = new Map<string, { site: AllocationSite; largest: HeapStack }>()
  for (const s of stacks) {
    const frame = s.frames[s.siteAt]
    const key = `${s.kind ?? ''} ${s.owner === 'standard-library' ? frame.function : frameString(frame)}`
    let entry = sites.get(key)
    if (!entry) {
      const site: AllocationSite = {
        function: frame.function,
        file: frame.file,
        line: frame.line,
        owner: s.owner,
        callPath: [],
        ...(s.kind ? { kind: s.kind } : {}),
        bytes: 0,
        objects: 0,
        varianceBytes2: 0,
        stacks: []
      }
      entry = { site, largest: s }
      sites.set(key, entry)
    }
    entry.site.bytes += s.bytes
    entry.site.objects += s.objects
    entry.site.varianceBytes2 += s.varianceBytes2
    entry.site.stacks.push(s)
    if (s.bytes > entry.largest.bytes) entry.largest = s
  }
  return [...sites.values()]
    .map(({ site, largest }) => ({
      ...site,
      line: largest.frames[largest.siteAt].line,
      callPath: callPath(largest.frames, largest.siteAt)
    }))
    .sort((a, b) => b.bytes - a.bytes)
}
