// A run's gauges as OpenMetrics text: names with units, the labels of the run, values from
// the head run, and nothing made up for what the run does not have.
import { makeReport } from '../../test/fixtures/reports.js'
import { parseExposition } from '../engine/exposition.js'
import { renderOpenMetrics, runLabels, runRegistry, type RunExport } from './openmetrics.js'

const labels = { repository: 'acme/shop', branch: 'feature/cache', commit: '0123abcd' }
const run: RunExport = { labels, detectableGrowthPerSec: { heap: 9000, goroutines: 0.25 } }
const runLabelSet = { name: 'memgate', ...labels }

/** name -> value, after checking that every sample carries the run's labels. */
function values(text: string): Record<string, number> {
  const samples = parseExposition(text)
  for (const s of samples) expect(s.labels).toMatchObject(runLabelSet)
  return Object.fromEntries(samples.map((s) => [s.name, s.value]))
}

describe('renderOpenMetrics', () => {
  it("writes the head run's verdict, slopes, intervals, detectable growth and last sample", async () => {
    const report = makeReport({ verdict: 'fail' })
    const text = await renderOpenMetrics(report, run)
    expect(text.endsWith('# EOF\n')).toBe(true)
    expect(parseExposition(text).find((s) => s.name === 'memgate_verdict')?.labels.verdict).toBe('fail')
    expect(values(text)).toEqual({
      memgate_verdict: 1,
      memgate_duration_seconds: 20,
      memgate_live_heap_bytes: 4_000_000 + 51200 * 19,
      memgate_live_heap_growth_bytes_per_second: 51200,
      memgate_live_heap_growth_low_bytes_per_second: 51200 * 0.9,
      memgate_live_heap_growth_high_bytes_per_second: 51200 * 1.1,
      memgate_live_heap_detectable_growth_bytes_per_second: 9000,
      memgate_goroutines: 12,
      memgate_goroutines_growth_per_second: 0,
      memgate_goroutines_growth_low_per_second: 0,
      memgate_goroutines_growth_high_per_second: 0,
      memgate_goroutines_detectable_growth_per_second: 0.25,
      memgate_rss_bytes: 20_000_000 + 51200 * 19,
      memgate_rss_growth_bytes_per_second: 51200,
      memgate_rss_growth_low_bytes_per_second: 51200 * 0.9,
      memgate_rss_growth_high_bytes_per_second: 51200 * 1.1
    })
  })

  it('leaves out what the run does not have: no RSS, no trend, no detectable growth', async () => {
    const report = makeReport({ verdict: 'inconclusive' })
    const head = report.runs.head
    head.samples = head.samples.map((s) => ({ ...s, rssBytes: null }))
    head.trends = { ...head.trends, goroutines: null, rss: null }
    const names = Object.keys(values(await renderOpenMetrics(report, { labels })))
    expect(names.filter((n) => n.startsWith('memgate_rss') || n.includes('detectable'))).toEqual([])
    expect(names.filter((n) => n.startsWith('memgate_goroutines'))).toEqual(['memgate_goroutines'])
  })

  it("escapes label values it did not choose: a branch's quotes and backslashes", async () => {
    const odd = { ...labels, branch: 'fix/"quoted"\\path' }
    const samples = parseExposition(await renderOpenMetrics(makeReport(), { labels: odd }))
    expect(samples.every((s) => s.labels.branch === 'fix/"quoted"\\path')).toBe(true)
  })
})

describe('runRegistry', () => {
  it("holds the same gauges in Prometheus' text format, for a Pushgateway", async () => {
    const registry = runRegistry(makeReport(), run)
    expect(registry.contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await registry.metrics()
    expect(text).not.toContain('# EOF')
    expect(values(text)).toEqual(values(await renderOpenMetrics(makeReport(), run)))
  })
})

describe('runLabels', () => {
  const report = makeReport()
  report.runs.head.commit = 'feedface'

  it("names a pull request's own branch and the commit the head run measured", () => {
    const env = {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_HEAD_REF: 'feature/cache',
      GITHUB_REF_NAME: '42/merge',
      GITHUB_SHA: 'mergecommit'
    }
    expect(runLabels(report, env)).toEqual({
      repository: 'acme/shop',
      branch: 'feature/cache',
      commit: 'feedface'
    })
  })

  it('names the pushed branch and GITHUB_SHA on a push, and leaves unknowns empty outside a runner', () => {
    const pushed = makeReport()
    const env = {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_HEAD_REF: '',
      GITHUB_REF_NAME: 'main',
      GITHUB_SHA: 'abc123'
    }
    expect(runLabels(pushed, env)).toEqual({ repository: 'acme/shop', branch: 'main', commit: 'abc123' })
    expect(runLabels(pushed, {})).toEqual({ repository: '', branch: '', commit: '' })
  })
})
