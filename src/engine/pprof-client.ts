// Fetches profiles from net/http/pprof, with a timeout, one retry and a size cap.
import { GateError } from '../errors.js'
import { failureLine, httpGet } from './http-get.js'
import { ProfileTooLargeError } from '../profile/decode.js'
import { formatBytes } from '../units.js'

/** The most read of one response; a future `max-profile-size` input sets it. */
export const MAX_PROFILE_BYTES = 256 * 1024 * 1024
// An error page is shown in one line: its start is enough.
const ERROR_BODY_BYTES = 1024

export class PprofClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
    private readonly maxBodyBytes = MAX_PROFILE_BYTES
  ) {}

  /** GET {pprof-url}/{path}; retried once on failure, but not when too large. The error of the retry is thrown. */
  async get(path: string): Promise<Buffer> {
    try {
      return await this.once(path)
    } catch (e) {
      if (this.signal?.aborted || e instanceof ProfileTooLargeError) throw e
      return await this.once(path)
    }
  }

  private async once(path: string): Promise<Buffer> {
    const res = await httpGet(`${this.baseUrl}/${path}`, {
      timeoutMs: this.timeoutMs,
      signal: this.signal,
      maxBytes: this.maxBodyBytes,
      maxErrorBytes: ERROR_BODY_BYTES
    })
    if (!res.ok) throw new GateError(`${path}: ${failureLine(res)}`)
    if (res.cut)
      throw new ProfileTooLargeError(
        `${path}: the response is larger than ${formatBytes(this.maxBodyBytes)}, the most memgate reads; raise max-profile-size if the service's profiles are this large`
      )
    return res.bytes
  }
}

/**
 * The exact post-GC live heap from `heap?gc=1&debug=1`, whose trailer prints runtime.MemStats,
 * and the bytes allocated since the service started (TotalAlloc): what it did between two readings.
 */
export function parseMemStats(text: string): {
  heapAllocBytes: number
  heapObjects: number
  totalAllocBytes: number
} {
  const field = (name: string) => {
    const m = new RegExp(`^# ${name} = (\\d+)$`, 'm').exec(text)
    if (!m) throw new GateError(`heap?debug=1 has no "# ${name}" line: is this a Go net/http/pprof endpoint?`)
    return Number(m[1])
  }
  return {
    heapAllocBytes: field('HeapAlloc'),
    heapObjects: field('HeapObjects'),
    totalAllocBytes: field('TotalAlloc')
  }
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
