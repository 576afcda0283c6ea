import { failWithBaselineReport, inconclusiveReport, passReport } from '../../test/fixtures/reports.js'
import type { Report } from '../model.js'
import { renderCombinedMarkdown } from './combined-markdown.js'
import { presentCombined, type ServiceReport } from './combined.js'
import { renderMarkdown } from './markdown.js'

const named = (report: Report, name: string): Report => ({ ...report, name })

/** Three services as a matrix's final job finds them: api passes, orders leaks, billing is unclear. */
const threeServices = (): ServiceReport[] => [
  { path: '/r/memgate-api/report.json', report: named(passReport(), 'api') },
  { path: '/r/memgate-billing/report.json', report: named(inconclusiveReport(), 'billing') },
  { path: '/r/memgate-orders/report.json', report: failWithBaselineReport() }
]

describe('presentCombined', () => {
  it('puts failing services first, then inconclusive, then passing, and takes the worst verdict', () => {
    const view = presentCombined(threeServices())
    expect(view.services.map((s) => [s.name, s.verdict])).toEqual([
      ['orders-api', 'fail'],
      ['billing', 'inconclusive'],
      ['api', 'pass']
    ])
    expect(view.verdict).toBe('fail')
    expect(view.headline).toBe('❌ go-memgate: 1 of 3 services fail')
  })

  it("names a service kept at the default name by its report's folder", () => {
    const view = presentCombined([{ path: '/r/memgate-search/report.json', report: passReport() }])
    expect(view.services[0].name).toBe('memgate-search')
    expect(view.headline).toBe('✅ go-memgate: 1 service, no memory growth beyond the limits')
  })

  it('says how many are inconclusive when none fails', () => {
    const view = presentCombined(threeServices().slice(0, 2))
    expect(view.headline).toBe('⚠️ go-memgate: 1 of 2 services inconclusive, none fails')
  })

  it('counts a report that could not be read as a failure, shown first with why', () => {
    const problem = 'report-json: /r/memgate-cart/report.json is not a go-memgate report.json'
    const view = presentCombined([...threeServices(), { path: '/r/memgate-cart/report.json', problem }])
    expect(view.services[0]).toMatchObject({ name: 'memgate-cart', verdict: 'fail', problem, view: null })
    expect(view.headline).toBe('❌ go-memgate: 2 of 4 services fail')
  })

  it('gives the fastest growth among the services as the outputs', () => {
    const services = threeServices()
    const slopes = services.map((s) => ('report' in s ? s.report.runs.head.trends.heap?.slopePerSec : null))
    const finite = slopes.filter((s): s is number => typeof s === 'number')
    expect(presentCombined(services).outputs.heapSlopePerSec).toBe(Math.max(...finite))
  })
})

describe('renderCombinedMarkdown', () => {
  it('writes a row a service, then each report folded beneath, laid out as for one service', () => {
    const services = threeServices()
    const md = renderCombinedMarkdown(presentCombined(services))
    const rows = md.split('\n\n')[1].split('\n').slice(2)
    expect(rows.map((r) => r.split('|')[1].trim())).toEqual(['`orders-api`', '`billing`', '`api`'])
    expect(rows[0]).toContain('❌ FAIL')
    // The failing row names the line, as the single report's first screen does (its cause,
    // the goroutines, first).
    const single = renderMarkdown(failWithBaselineReport())
    expect(single).toContain('Goroutines pile up at: ')
    expect(rows[0]).toContain('Goroutines pile up at: ')
    expect(rows[0]).toContain('svc/orders.go:120')
    expect(md.match(/<details><summary><code>/g)).toHaveLength(3)
    // The folded report is the single report's layout, headline and all.
    expect(md).toContain(single.trim().split('\n')[0])
  })

  it('keeps the comment within the budget, each service getting a share', () => {
    const md = renderCombinedMarkdown(presentCombined(threeServices()), { maxChars: 9000 })
    expect(md.length).toBeLessThanOrEqual(9000)
    expect(md.match(/<\/details>/g)?.length).toBeGreaterThanOrEqual(3)
  })

  it('shows an unreadable report in its row, with nothing folded', () => {
    const md = renderCombinedMarkdown(
      presentCombined([{ path: '/r/x/report.json', problem: 'report-json: /r/x/report.json is not a file' }])
    )
    expect(md).toContain('| `x` | ❌ UNREADABLE | **report-json: /r/x/report.json is not a file** | — |')
    expect(md).not.toContain('<details>')
  })
})
