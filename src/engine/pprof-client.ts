// Fetches profiles from net/http/pprof, with a timeout and one retry.
import { GateError } from '../errors.js'

export class PprofClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal
  ) {}

  /** GET {pprof-url}/{path}; retried once on failure. The error of the retry is thrown. */
  async get(path: string): Promise<Buffer> {
    try {
      return await this.once(path)
    } catch (e) {
      if (this.signal?.aborted) throw e
      return await this.once(path)
    }
  }

  private async once(path: string): Promise<Buffer> {
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(this.signal ? [this.signal] : [])]
    const res = await fetch(`${this.baseUrl}/${path}`, { signal: AbortSignal.any(signals) })
    const body = Buffer.from(await res.arrayBuffer())
    if (!res.ok) throw new GateError(`${path}: HTTP ${res.status} ${body.toString('utf8', 0, 200).trim()}`)
    return body
  }
}

/** The exact post-GC live heap from `heap?gc=1&debug=1`, whose trailer prints runtime.MemStats. */
export function parseMemStats(text: string): { heapAllocBytes: number; heapObjects: number } {
  const field = (name: string) => {
    const m = new RegExp(`^# ${name} = (\\d+)$`, 'm').exec(text)
    if (!m) throw new GateError(`heap?debug=1 has no "# ${name}" line: is this a Go net/http/pprof endpoint?`)
    return Number(m[1])
  }
  return { heapAllocBytes: field('HeapAlloc'), heapObjects: field('HeapObjects') }
}

/** The exact goroutine count: the first line of `goroutine?debug=1`. */
export function parseGoroutineTotal(text: string): number {
  const m = /^goroutine profile: total (\d+)$/m.exec(text)
  if (!m)
    throw new GateError(
      'goroutine?debug=1 has no "goroutine profile: total" line: is this a Go net/http/pprof endpoint?'
    )
  return Number(m[1])
}
