// Reduces a goroutine profile to groups of goroutines blocked at the same line.
import { callPath, entryIndex, frameString, ownCode, ownerOf, siteIndex, type OwnCode } from './frames.js'
import type { GoModuleFolder } from './paths.js'
import type { Frame, Profile } from './profile.js'

/** A goroutine site: goroutines whose stacks meet the service's own code at the same line. */
interface GoroutineSite {
  /** The innermost own-code frame: where they block, as the user wrote it. */
  function: string
  file: string
  line: number
  /** Of the most common stack: innermost first, "function file:line". */
  callPath: string[]
  /** Derived from the calls below the own frame; undefined when running. */
  waitReason?: string
  /**
   * Of the most common stack, when no frame of it is the service's or a library's: the
   * function the goroutines began in ("net/http.(*persistConn).readLoop").
   */
  entry?: string
  /**
   * Of the most common stack, when no frame of it is the service's: the function its
   * goroutines began in, by which their ancestors link them to the service (goroutineOrigins).
   */
  beganIn?: string
  count: number
}

export interface GoroutineSummary {
  /** Exact: the profile's values sum to the number of goroutines. */
  total: number
  /** Most goroutines first; goroutines without a stack (not started yet) are in none. */
  groups: GoroutineSite[]
}

// Prefixes of the call a goroutine blocks in, the user-facing call before its runtime internals.
const waitReasons: Array<[prefix: string, reason: string]> = [
  ['runtime.chanrecv', 'channel receive'],
  ['runtime.chansend', 'channel send'],
  ['runtime.selectgo', 'select'],
  ['runtime.block', 'select (no cases)'],
  ['sync.(*WaitGroup).Wait', 'WaitGroup'],
  ['sync.(*Cond).Wait', 'condition variable'],
  ['sync.(*Mutex).', 'mutex'],
  ['sync.(*RWMutex).', 'mutex'],
  ['internal/sync.(*Mutex).', 'mutex'],
  ['sync.runtime_Semacquire', 'mutex'],
  ['runtime.semacquire', 'mutex'],
  ['time.Sleep', 'sleep'],
  ['internal/poll.', 'network I/O'],
  ['runtime.netpoll', 'network I/O'],
  ['syscall.', 'system call']
]

/**
 * What a stack waits on: the outermost recognised call at or below the site, so
 * sync.(*WaitGroup).Wait wins over the semacquire it calls.
 */
export function waitReason(stack: Frame[], site: number): string | undefined {
  for (let i = site; i >= 0; i--) {
    const fn = stack[i].function
    const match = waitReasons.find(([prefix]) => fn.startsWith(prefix))
    if (match) return match[1]
  }
  return undefined
}

export function summarizeGoroutines(
  p: Profile,
  options: { modules?: GoModuleFolder[]; isOwn?: OwnCode } = {}
): GoroutineSummary {
  const isOwn = options.isOwn ?? ownCode(options.modules ?? [])
  const groups = new Map<string, GoroutineSite & { largestCount: number }>()
  let total = 0
  for (const s of p.samples) {
    const count = s.values[0] ?? 0
    total += count
    if (count <= 0 || s.stack.length === 0) continue
    const at = siteIndex(s.stack, isOwn)
    const frame = s.stack[at]
    const key = frameString(frame)
    let group = groups.get(key)
    if (!group) {
      group = { ...frame, callPath: [], count: 0, largestCount: 0 }
      groups.set(key, group)
    }
    group.count += count
    if (count > group.largestCount) {
      group.largestCount = count
      group.callPath = callPath(s.stack, at)
      group.waitReason = waitReason(s.stack, at)
      const owner = ownerOf(frame, isOwn)
      group.entry = owner === 'standard-library' ? frame.function : undefined
      group.beganIn = owner === 'service' ? undefined : s.stack[entryIndex(s.stack)].function
    }
  }
  return {
    total,
    groups: [...groups.values()]
      .map(({ largestCount: _, entry, beganIn, ...group }) => ({
        ...group,
        ...(entry ? { entry } : {}),
        ...(beganIn ? { beganIn } : {})
      }))
      .sort((a, b) => b.count - a.count)
  }
}
