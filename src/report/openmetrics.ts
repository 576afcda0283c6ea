// Every run as Prometheus gauges, so that teams can plot growth and verdicts across commits:
// written as OpenMetrics text into the artifact (metrics.txt) and pushed to a Pushgateway.
// A Pushgateway keeps the last value of each series only, so a run is exported as its summary
// (slopes, intervals, the last sample), labelled with the commit it measured, not as its samples.
import { Gauge, Registry, type OpenMetricsContentType, type PrometheusContentType } from 'prom-client'
import { SERIES, SERIES_NAMES, type JudgedSeries, type Report, type SeriesName } from '../model.js'

/** Where a run comes from: with `name`, the labels of every gauge and the Pushgateway's grouping key. */
export interface RunLabels {
  repository: string
  branch: string
  commit: string
}

export interface RunExport {
  labels: RunLabels
  /** The smallest growth the run could catch, per judged series, per second; absent when not known. */
  detectableGrowthPerSec?: Partial<Record<JudgedSeries, number>>
}

/** The name each series' gauges start with. */
const METRIC_BASE: Record<SeriesName, string> = {
  heap: 'memgate_live_heap',
  goroutines: 'memgate_goroutines',
  rss: 'memgate_rss'
}

/** The head run of `report` as gauges in Prometheus' text format, for a Pushgateway. */
export function runRegistry(report: Report, run: RunExport): Registry {
  const registry = new Registry()
  addRunGauges(registry, report, run)
  return registry
}

/** The run as OpenMetrics text, for metrics.txt beside report.json. */
export function renderOpenMetrics(report: Report, run: RunExport): Promise<string> {
  const registry = new Registry<OpenMetricsContentType>()
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
  addRunGauges(registry, report, run)
  return registry.metrics()
}

/**
 * Every gauge is labelled name, repository, branch and commit. Series without a value (no
 * trend, no RSS) are left out rather than written as NaN.
 */
function addRunGauges(
  registry: Registry<PrometheusContentType> | Registry<OpenMetricsContentType>,
  report: Report,
  run: RunExport
): void {
  registry.setDefaultLabels({ name: report.name, ...run.labels })
  const gauge = (name: string, help: string, value: number | null | undefined, labels = {}) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return
    new Gauge({ name, help, labelNames: Object.keys(labels), registers: [registry] }).set(labels, value)
  }
  const head = report.runs.head
  const last = head.samples.at(-1)
  gauge('memgate_verdict', 'The verdict of the run: 1 for the verdict given.', 1, { verdict: report.verdict })
  gauge('memgate_duration_seconds', 'How long the head run sampled after warm-up, seconds.', head.durationSec)
  for (const series of SERIES_NAMES) {
    const spec = SERIES[series]
    // Prometheus names end in the base unit: _bytes, or nothing for a count.
    const [base, unit, per] = [METRIC_BASE[series], spec.unit === 'bytes' ? '_bytes' : '', spec.unit]
    const trend = head.trends[series]
    const growth = `${base}_growth${unit}_per_second`
    gauge(
      `${base}${unit}`,
      `${spec.title} at the last sample of the head run, ${per}.`,
      last && spec.value(last)
    )
    gauge(growth, `Growth of the ${spec.label} in the head run, ${per} per second.`, trend?.slopePerSec)
    gauge(
      `${base}_growth_low${unit}_per_second`,
      `Lower bound of the confidence interval of ${growth}.`,
      trend?.ciLow
    )
    gauge(
      `${base}_growth_high${unit}_per_second`,
      `Upper bound of the confidence interval of ${growth}.`,
      trend?.ciHigh
    )
    if (series !== 'rss')
      gauge(
        `${base}_detectable_growth${unit}_per_second`,
        `The smallest growth of the ${spec.label} the run could catch, ${per} per second.`,
        run.detectableGrowthPerSec?.[series]
      )
  }
}

/**
 * The labels of a run from the runner's environment: on a pull request the PR's branch
 * (GITHUB_HEAD_REF), else the branch pushed; the commit the head run measured when known,
 * else GITHUB_SHA. Outside a runner, what is unknown is empty.
 */
export function runLabels(report: Report, env: Record<string, string | undefined>): RunLabels {
  return {
    repository: env['GITHUB_REPOSITORY'] ?? '',
    branch: env['GITHUB_HEAD_REF'] || env['GITHUB_REF_NAME'] || report.runs.head.ref || '',
    commit: report.runs.head.commit || env['GITHUB_SHA'] || ''
  }
}
