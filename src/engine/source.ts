// Which endpoint a run reads: pprof, which forces a GC and names the leaking line, or a
// service's Prometheus /metrics, for services that do not serve pprof.
import type { RunNote } from '../model.js'
import { longestIntervalMs, type Config } from '../config.js'
import { MetricsClient, pickSource, readMetrics } from './metrics-client.js'
import { parseGoroutineTotal, parseMemStats, PprofClient } from './pprof-client.js'
import type { ServiceRequest } from './service.js'

export type Source = { kind: 'pprof' } | { kind: 'metrics'; client: MetricsClient }

export type SourceConfig = Pick<Config, 'source' | 'pprofUrl' | 'metricsUrl' | 'intervalMs' | 'durationMs'>

/** What must answer before the service is measured: metrics-url when it may be the source. */
export function readyEndpoint(config: SourceConfig): ServiceRequest['ready'] {
  return config.metricsUrl && config.source !== 'pprof'
    ? { input: 'metrics-url', url: config.metricsUrl }
    : { input: 'pprof-url', url: config.pprofUrl }
}

/**
 * pprof whenever it answers with a Go heap profile (not merely HTTP 200: many services
 * answer every path), else the metrics; `source` can force either.
 */
export async function chooseSource(
  config: SourceConfig,
  pprofTakenBefore: boolean,
  signal?: AbortSignal
): Promise<Source> {
  let pprofAnswers = config.source === 'pprof'
  // What answered at pprof-url before the service started is another process's.
  if (config.source === 'auto' && config.metricsUrl && !pprofTakenBefore) {
    try {
      const heap = await new PprofClient(config.pprofUrl, 2000, signal).get('heap?debug=1')
      parseMemStats(heap.toString('utf8'))
      pprofAnswers = true
    } catch {
      pprofAnswers = false
    }
  }
  if (pickSource(config.source, pprofAnswers, config.metricsUrl) === 'pprof' || !config.metricsUrl)
    return { kind: 'pprof' }
  return {
    kind: 'metrics',
    client: new MetricsClient(
      config.metricsUrl,
      Math.max(5000, 2 * (config.intervalMs ?? longestIntervalMs(config))),
      signal
    )
  }
}

/**
 * With both endpoints, pprof is the source and /metrics only a check that both belong to one
 * process: the goroutine counts, read back to back, must agree within a few requests in
 * flight. A note when they do not, or when /metrics cannot be read; nothing otherwise.
 */
export async function crossCheckMetrics(config: SourceConfig, signal?: AbortSignal): Promise<RunNote[]> {
  if (!config.metricsUrl) return []
  try {
    const pprof = new PprofClient(config.pprofUrl, 5000, signal)
    const fromPprof = parseGoroutineTotal((await pprof.get('goroutine?debug=1')).toString('utf8'))
    const fromMetrics = (await readMetrics(new MetricsClient(config.metricsUrl, 5000, signal))).goroutines
    if (Math.abs(fromPprof - fromMetrics) <= Math.max(10, 0.25 * fromPprof)) return []
    return [{ kind: 'metrics-goroutines-differ', metricsGoroutines: fromMetrics, pprofGoroutines: fromPprof }]
  } catch (e) {
    return [{ kind: 'metrics-unread', error: (e as Error).message.split('\n')[0] }]
  }
}
