// Parses /debug/pprof/goroutine?debug=2: what the binary profile leaves out, namely the
// runtime's own wait reason, how long a goroutine has waited, and who created it.
import { entryIndex, frameString, ownCode, siteIndex, type OwnCode } from './frames.js'
import type { GoModuleFolder } from './paths.js'
import type { Frame } from './profile.js'

/** Goroutines of the text dump charged to the same line (keyed as GoroutineSite). */
export interface GoroutineTextGroup {
  function: string
  file: string
  line: number
  count: number
  /** The runtime's wait reason of the most common kind: "chan receive", "IO wait", ... */
  waitReason?: string
  /** "function file:line" of the go statement that started most of them. */
  createdBy?: string
  /** The longest wait among them; the runtime reports it once past a minute. */
  maxWaitMinutes: number
  /** Goroutines the leak detector marked "(leaked)" (GOEXPERIMENT=goroutineleakprofile). */
  leakedCount: number
}

/** A stack of the dump: the goroutine's own, or one of its ancestors' when it was created. */
interface Trace {
  /** The goroutine's number: an ancestor appears in the dump of each goroutine it led to. */
  id: string
  stack: Frame[]
  createdBy?: Frame
}

interface Goroutine extends Trace {
  reason: string
  minutes: number
  leaked: boolean
  /**
   * With GODEBUG=tracebackancestors=N: the stacks of the goroutines that created it, each
   * as it was at its `go` statement, nearest first.
   */
  ancestors: Trace[]
}

const headerRe = /^goroutine (\d+)(?: [^[]*)? \[(.*)\]:$/
// The argument list is the last parenthesis; "(*conn)" in a method name is not.
const callRe = /^(.+?)(?:\([^()]*\))?$/
const positionRe = /^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$/
const createdRe = /^created by (\S+)(?: in goroutine \d+)?$/
const ancestorRe = /^\[originating from goroutine (\d+)\]:$/

/** Frames come in pairs: the call, then its file:line; "[originating from …]" starts an ancestor. */
function parseTraces(id: string, lines: string[]): Trace[] {
  const traces: Trace[] = [{ id, stack: [] }]
  for (let i = 0; i < lines.length; i++) {
    const ancestor = ancestorRe.exec(lines[i])
    if (ancestor) {
      traces.push({ id: ancestor[1], stack: [] })
      continue
    }
    const position = positionRe.exec(lines[i + 1] ?? '')
    // "...additional frames elided..." has no position line
    if (!position) continue
    const frame = { file: position[1], line: Number(position[2]) }
    const created = createdRe.exec(lines[i])
    const trace = traces[traces.length - 1]
    if (created) trace.createdBy = { function: created[1], ...frame }
    else trace.stack.push({ function: callRe.exec(lines[i])![1], ...frame })
    i++
  }
  return traces
}

function parseGoroutines(text: string): Goroutine[] {
  const goroutines: Goroutine[] = []
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l !== '')
    const header = headerRe.exec(lines[0] ?? '')
    if (!header) continue
    // "[chan receive (leaked), 2 minutes, locked to thread]"
    const [status, ...rest] = header[2].split(', ')
    const minutes = rest.map((r) => /^(\d+) minutes?$/.exec(r)).find((m) => m)
    const [own, ...ancestors] = parseTraces(header[1], lines.slice(1))
    const g: Goroutine = {
      reason: status.replace(/ \((leaked|scan|durable)\)/g, ''),
      minutes: minutes ? Number(minutes[1]) : 0,
      leaked: status.includes('(leaked)'),
      ...own,
      ancestors
    }
    goroutines.push(g)
  }
  return goroutines
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
}

export function parseGoroutineText(
  text: string,
  options: { modules?: GoModuleFolder[]; isOwn?: OwnCode } = {}
): GoroutineTextGroup[] {
  const isOwn = options.isOwn ?? ownCode(options.modules ?? [])
  const byKey = new Map<string, { frame: Frame; goroutines: Goroutine[] }>()
  for (const g of parseGoroutines(text)) {
    if (g.stack.length === 0) continue
    const frame = g.stack[siteIndex(g.stack, isOwn)]
    const key = frameString(frame)
    const entry = byKey.get(key) ?? { frame, goroutines: [] }
    entry.goroutines.push(g)
    byKey.set(key, entry)
  }
  return [...byKey.values()]
    .map(({ frame, goroutines }) => ({
      ...frame,
      count: goroutines.length,
      waitReason: mostCommon(goroutines.map((g) => g.reason)),
      createdBy: mostCommon(goroutines.flatMap((g) => (g.createdBy ? [frameString(g.createdBy)] : []))),
      maxWaitMinutes: Math.max(...goroutines.map((g) => g.minutes)),
      leakedCount: goroutines.filter((g) => g.leaked).length
    }))
    .sort((a, b) => b.count - a.count)
}

/**
 * Goroutines begun in one function (of the standard library or a library) and the
 * service line that caused them: the nearest own-code frame among the ancestors' stacks.
 * Only GODEBUG=tracebackancestors dumps carry ancestors; without them, origin is unknown.
 */
export interface GoroutineOrigin {
  /** The function its goroutines began in: "net/http.(*persistConn).readLoop". */
  entry: string
  /** The goroutines (alive, or the ancestors of alive ones) seen begun there. */
  count: number
  /** "function file:line" of the go statement that started most of them. */
  createdBy?: string
  /**
   * The most common nearest own-code frame among the ancestors. Ancestors record return
   * addresses: the line can be the one after the call (see snapToCallLine).
   */
  origin?: Frame
}

/**
 * For every goroutine and each of its ancestors: the function it began in, linked to the
 * nearest own-code frame of the ancestors beyond it. A goroutine that has exited (the
 * dialer of a connection) still links through the ancestors of those it started.
 */
export function goroutineOrigins(
  text: string,
  options: { modules?: GoModuleFolder[] } = {}
): GoroutineOrigin[] {
  const isOwn = ownCode(options.modules ?? [])
  const byEntry = new Map<string, { count: number; createdBy: string[]; origins: Frame[] }>()
  const seen = new Set<string>()
  for (const g of parseGoroutines(text)) {
    const chain: Trace[] = [g, ...g.ancestors]
    chain.forEach((trace, k) => {
      // Each goroutine once, though it is the ancestor of many (ids may be reused: rarely).
      if (trace.stack.length === 0 || seen.has(trace.id)) return
      seen.add(trace.id)
      const entry = trace.stack[entryIndex(trace.stack)].function
      const e = byEntry.get(entry) ?? { count: 0, createdBy: [], origins: [] }
      e.count++
      if (trace.createdBy) e.createdBy.push(frameString(trace.createdBy))
      const origin = chain.slice(k + 1).flatMap((a) => a.stack.find(isOwn) ?? [])[0]
      if (origin) e.origins.push(origin)
      byEntry.set(entry, e)
    })
  }
  return [...byEntry].map(([entry, e]) => {
    const origin = mostCommon(e.origins.map(frameString))
    const createdBy = mostCommon(e.createdBy)
    return {
      entry,
      count: e.count,
      ...(createdBy ? { createdBy } : {}),
      ...(origin ? { origin: e.origins.find((f) => frameString(f) === origin)! } : {})
    }
  })
}
