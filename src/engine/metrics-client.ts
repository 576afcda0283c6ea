// Reads a Go service's Prometheus /metrics, for services that serve client_golang's metrics
// but not net/http/pprof: the live heap, the goroutine count and the RSS of one sample.
// Nothing here can force a GC, so the heap read this way carries what the last GC left plus,
// for go_memstats_heap_alloc_bytes, what was allocated since: noisier than pprof's readings.
import { GateError } from '../errors.js'
import { redactUrl } from '../redact.js'
import { formatBytes } from '../units.js'
import { ExpositionError, parseExposition, type ExpositionSample } from './exposition.js'
import { failureLine, httpGet, type HttpAnswer } from './http-get.js'

/** The most read of one /metrics page: client_golang's defaults take about 10 KiB. */
const MAX_METRICS_BYTES = 16 * 1024 * 1024
// Both formats client_golang serves; the text format first, as it needs no # EOF.
const ACCEPT = 'text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5'

/**
 * Where the live heap came from, best first: the runtime metric /gc/heap/live:bytes (the heap
 * the last GC marked live; client_golang exports it when the Go collector is given
 * collectors.WithGoCollectorRuntimeMetrics with a rule matching it, e.g. collectors.MetricsGC),
 * else runtime.MemStats.HeapAlloc, which also counts what was allocated since the last GC.
 */
const HEAP_SOURCES = ['go_gc_heap_live_bytes', 'go_memstats_heap_alloc_bytes'] as const
type HeapSource = (typeof HEAP_SOURCES)[number]

export interface MetricsReading {
  liveHeapBytes: number
  goroutines: number
  /** process_resident_memory_bytes: null where the process collector is off or unsupported. */
  rssBytes: number | null
  heapSource: HeapSource
}

export class MetricsClient {
  private readonly target: string
  // Closed after each request, as pprof-client.ts does: go_goroutines counts our connection.
  private readonly headers: Record<string, string> = { accept: ACCEPT, connection: 'close' }

  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal
  ) {
    // fetch refuses a URL with credentials: a protected /metrics gets them as basic auth.
    const parsed = new URL(url)
    if (parsed.username || parsed.password) {
      const user = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
      this.headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`
      parsed.username = parsed.password = ''
    }
    this.target = parsed.toString()
  }

  /** GET metrics-url; retried once on failure. The error of the retry is thrown. */
  async text(): Promise<string> {
    try {
      return await this.once()
    } catch (e) {
      if (this.signal?.aborted) throw e
      return await this.once()
    }
  }

  private async once(): Promise<string> {
    let res: HttpAnswer
    try {
      res = await httpGet(this.target, {
        headers: this.headers,
        timeoutMs: this.timeoutMs,
        signal: this.signal,
        maxBytes: MAX_METRICS_BYTES
      })
    } catch (e) {
      if (this.signal?.aborted) throw e
      throw this.error(`no answer (${(e as Error).message})`)
    }
    if (!res.ok) throw this.error(failureLine(res))
    if (res.cut) throw this.error(`larger than ${formatBytes(MAX_METRICS_BYTES)}, the most memgate reads`)
    return res.bytes.toString('utf8')
  }

  error(what: string): GateError {
    return new GateError(`metrics-url: ${redactUrl(this.url)}: ${what}`)
  }
}

/** One sample's values from metrics-url. Errors are one line that names metrics-url. */
export async function readMetrics(client: MetricsClient): Promise<MetricsReading> {
  const text = await client.text()
  try {
    return metricsReading(parseExposition(text))
  } catch (e) {
    if (!(e instanceof ExpositionError)) throw e
    throw client.error(e.message)
  }
}

/** The gauges client_golang's Go and process collectors export, from parsed /metrics. */
export function metricsReading(samples: ExpositionSample[]): MetricsReading {
  const gauge = (name: string): number | null => {
    const sample = samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)
    if (!sample) return null
    if (!Number.isFinite(sample.value) || sample.value < 0)
      throw new ExpositionError(`${name} is ${sample.value}, not a count or a size`)
    return sample.value
  }
  const heap = HEAP_SOURCES.flatMap((source) => {
    const bytes = gauge(source)
    return bytes === null ? [] : [{ source, bytes }]
  })[0]
  const goroutines = gauge('go_goroutines')
  if (!heap || goroutines === null) {
    const missing = [
      ...(heap ? [] : [HEAP_SOURCES.join(' or ')]),
      ...(goroutines === null ? ['go_goroutines'] : [])
    ]
    throw new ExpositionError(
      samples.length === 0
        ? "no metrics; give the URL where the service serves client_golang's /metrics"
        : `no ${missing.join(' and no ')}; serve client_golang's Go collector there (promhttp.Handler() does)`
    )
  }
  return {
    liveHeapBytes: heap.bytes,
    goroutines,
    rssBytes: gauge('process_resident_memory_bytes'),
    heapSource: heap.source
  }
}

/**
 * Which endpoint a run reads. `auto` keeps pprof whenever it answers: only pprof forces a GC
 * and names the leaking line; metrics are the fallback when `metrics-url` is set.
 */
export function pickSource(
  source: 'auto' | 'pprof' | 'metrics',
  pprofAnswers: boolean,
  metricsUrl: string | null
): 'pprof' | 'metrics' {
  if (source !== 'auto') return source
  return !pprofAnswers && metricsUrl ? 'metrics' : 'pprof'
}
