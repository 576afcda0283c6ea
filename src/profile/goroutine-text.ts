// Parses /debug/pprof/goroutine?debug=2: what the binary profile leaves out, namely the
// runtime's own wait reason, how long a goroutine has waited, and who created it.
import { frameString, ownCode, siteIndex, type OwnCode } from './frames.js'
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

interface Goroutine {
  reason: string
  minutes: number
  leaked: boolean
  stack: Frame[]
  createdBy?: Frame
}

const headerRe = /^goroutine \d+(?: [^[]*)? \[(.*)\]:$/
// The argument list is the last parenthesis; "(*conn)" in a method name is not.
const callRe = /^(.+?)(?:\([^()]*\))?$/
const positionRe = /^\t(.+):(\d+)(?: \+0x[0-9a-f]+)?$/
const createdRe = /^created by (\S+)(?: in goroutine \d+)?$/

function parseGoroutines(text: string): Goroutine[] {
  const goroutines: Goroutine[] = []
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l !== '')
    const header = headerRe.exec(lines[0] ?? '')
    if (!header) continue
    // "[chan receive (leaked), 2 minutes, locked to thread]"
    const [status, ...rest] = header[1].split(', ')
    const minutes = rest.map((r) => /^(\d+) minutes?$/.exec(r)).find((m) => m)
    const g: Goroutine = {
      reason: status.replace(/ \((leaked|scan|durable)\)/g, ''),
      minutes: minutes ? Number(minutes[1]) : 0,
      leaked: status.includes('(leaked)'),
      stack: []
    }
    // Frames come in pairs: the call, then its file:line.
    for (let i = 1; i + 1 < lines.length; i += 2) {
      const position = positionRe.exec(lines[i + 1])
      if (!position) {
        i-- // "...additional frames elided..." has no position line
        continue
      }
      const frame = { file: position[1], line: Number(position[2]) }
      const created = createdRe.exec(lines[i])
      if (created) g.createdBy = { function: created[1], ...frame }
      else g.stack.push({ function: callRe.exec(lines[i])![1], ...frame })
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
  options: { modulePaths?: string[]; isOwn?: OwnCode } = {}
): GoroutineTextGroup[] {
  const isOwn = options.isOwn ?? ownCode(options.modulePaths ?? [])
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
