// Reduces a heap profile to what attribution needs: the live heap per allocation site.
import { callPath, frameString, ownCode, siteIndex, type OwnCode } from './frames.js'
import { sampleTypeIndex, type Frame, type Profile } from './profile.js'

/** The live heap charged to one line of the service's own code. */
export interface AllocationSite {
  function: string
  file: string
  line: number
  /** Of the largest stack charged here: innermost first, "function file:line". */
  callPath: string[]
  inuseBytes: number
  inuseObjects: number
  /**
   * How much inuseBytes varies between samples of a site that does not leak, bytes²:
   * inuseBytes × the bytes one profile sample stands for (see sampleVarianceBytes2).
   */
  inuseBytesVariance: number
}

/** The live heap of one whole stack, for the flame graph. */
export interface StackBytes {
  /** Function names, outermost (root) first. */
  functions: string[]
  inuseBytes: number
}

export interface HeapSummary {
  inuseBytes: number
  inuseObjects: number
  /** One sample per this many bytes allocated, on average; 1 is exact. */
  samplingRateBytes: number
  /** Largest first. */
  sites: AllocationSite[]
  stacks: StackBytes[]
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

export function summarizeHeap(
  p: Profile,
  options: { modulePaths?: string[]; isOwn?: OwnCode } = {}
): HeapSummary {
  const objectsAt = sampleTypeIndex(p, 'inuse_objects')
  const bytesAt = sampleTypeIndex(p, 'inuse_space')
  if (objectsAt < 0 || bytesAt < 0) throw new Error('not a heap profile: no inuse_objects/inuse_space')
  const isOwn = options.isOwn ?? ownCode(options.modulePaths ?? [])
  const rateBytes = p.period > 0 ? p.period : 512 * 1024

  const sites = new Map<string, AllocationSite & { largestBytes: number }>()
  const stacks = new Map<string, StackBytes>()
  let inuseBytes = 0
  let inuseObjects = 0
  for (const s of p.samples) {
    const bytes = s.values[bytesAt]
    const objects = s.values[objectsAt]
    if (bytes <= 0 || s.stack.length === 0) continue
    inuseBytes += bytes
    inuseObjects += objects

    const sizeBytes = s.numLabels.bytes || bytes / Math.max(objects, 1)

    const at = siteIndex(s.stack, isOwn)
    const frame: Frame = s.stack[at]
    const key = frameString(frame)
    let site = sites.get(key)
    if (!site) {
      site = {
        ...frame,
        callPath: [],
        inuseBytes: 0,
        inuseObjects: 0,
        inuseBytesVariance: 0,
        largestBytes: 0
      }
      sites.set(key, site)
    }
    site.inuseBytes += bytes
    site.inuseObjects += objects
    site.inuseBytesVariance += sampleVarianceBytes2(bytes, sizeBytes, rateBytes)
    if (bytes > site.largestBytes) {
      site.largestBytes = bytes
      site.callPath = callPath(s.stack, at)
    }

    const functions = s.stack.map((f) => f.function).reverse()
    const stackKey = functions.join('\n')
    const stack = stacks.get(stackKey)
    if (stack) stack.inuseBytes += bytes
    else stacks.set(stackKey, { functions, inuseBytes: bytes })
  }

  return {
    inuseBytes,
    inuseObjects,
    samplingRateBytes: rateBytes,
    sites: [...sites.values()]
      .map(({ largestBytes: _, ...site }) => site)
      .sort((a, b) => b.inuseBytes - a.inuseBytes),
    stacks: [...stacks.values()]
  }
}
