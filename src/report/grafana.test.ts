// The Grafana dashboard in docs/ must query only gauges the exporter writes, with its labels.
import { readFileSync } from 'node:fs'
import { passReport } from '../../test/fixtures/reports.js'
import { renderOpenMetrics } from './openmetrics.js'

interface Panel {
  title: string
  targets: { expr: string }[]
}

const dashboard = JSON.parse(readFileSync('docs/grafana/go-memgate.json', 'utf8')) as {
  panels: Panel[]
  templating: { list: { query: unknown }[] }
}

describe('docs/grafana/go-memgate.json', () => {
  it('plots gauges the exporter writes, by the labels it sets', async () => {
    const text = await renderOpenMetrics(passReport(), {
      labels: { repository: 'acme/shop', branch: 'main', commit: 'abc123' },
      detectableGrowthPerSec: { heap: 9200 }
    })
    const exported = new Set([...text.matchAll(/^(memgate_\w+)\{/gm)].map((m) => m[1]))
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)),
      ...dashboard.templating.list.flatMap((v) =>
        typeof v.query === 'object' && v.query !== null ? [(v.query as { query: string }).query] : []
      )
    ]
    const queried = new Set(queries.flatMap((q) => [...q.matchAll(/memgate_\w+/g)].map((m) => m[0])))
    expect(queried.size).toBeGreaterThan(4)
    expect([...queried].filter((name) => !exported.has(name))).toEqual([])
    for (const label of ['name', 'repository', 'branch', 'commit'])
      expect(text).toMatch(new RegExp(`^memgate_verdict\\{[^}]*\\b${label}="`, 'm'))
  })
})
