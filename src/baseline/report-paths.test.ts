import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_REPORTS, namesSeveral, reportPaths } from './report-paths.js'

let dir: string
beforeAll(() => {
  // As actions/download-artifact lays out a matrix's artifacts: a folder each.
  dir = mkdtempSync(join(tmpdir(), 'memgate-report-paths-'))
  for (const service of ['orders', 'api', 'billing']) {
    mkdirSync(join(dir, 'memgate', `memgate-${service}`), { recursive: true })
    writeFileSync(join(dir, 'memgate', `memgate-${service}`, 'report.json'), '{}')
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const at = (service: string) => join(dir, 'memgate', `memgate-${service}`, 'report.json')

describe('reportPaths', () => {
  it('takes a path a line, in the order given, blank lines and repeats left out', () => {
    expect(
      reportPaths(
        'memgate/memgate-orders/report.json\n\n  memgate/memgate-api/report.json \nmemgate/memgate-orders/report.json',
        dir
      )
    ).toEqual([at('orders'), at('api')])
  })

  it("keeps a listed path that is not there: it is the comment's to say which service wrote none", () => {
    expect(reportPaths('memgate/memgate-cart/report.json', dir)).toEqual([at('cart')])
  })

  it('expands a glob, sorted', () => {
    expect(reportPaths('memgate/*/report.json', dir)).toEqual([at('api'), at('billing'), at('orders')])
  })

  it('names a glob that matches nothing, and refuses more services than a comment shows', () => {
    expect(() => reportPaths('reports/*/report.json', dir)).toThrow(
      `report-json: no file matches reports/*/report.json (in ${dir}); did the analyze jobs' artifacts download there?`
    )
    const many = Array.from({ length: MAX_REPORTS + 1 }, (_, i) => `r${i}/report.json`).join('\n')
    expect(() => reportPaths(many, dir)).toThrow(
      `report-json: names ${MAX_REPORTS + 1} files; one comment shows at most ${MAX_REPORTS} services`
    )
  })
})

describe('namesSeveral', () => {
  it('is true for a glob or several lines, false for one path', () => {
    expect(namesSeveral('memgate/report.json')).toBe(false)
    expect(namesSeveral('memgate/report.json\n')).toBe(false)
    expect(namesSeveral('memgate/*/report.json')).toBe(true)
    expect(namesSeveral('a/report.json\nb/report.json')).toBe(true)
  })
})
