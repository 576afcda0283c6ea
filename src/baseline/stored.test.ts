import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeReport } from '../../test/fixtures/reports.js'
import { MAX_REPORT_BYTES, readReportFile, readStoredBaseline } from './stored.js'

let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'memgate-stored-'))))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('readReportFile', () => {
  it('reads a report.json', () => {
    const path = join(dir, 'report.json')
    writeFileSync(path, JSON.stringify(makeReport()))
    expect(readReportFile(path, 'report-json')).toEqual(makeReport())
  })

  it('refuses a file larger than 16 MiB before reading it whole', () => {
    const path = join(dir, 'huge.json')
    writeFileSync(path, ' '.repeat(MAX_REPORT_BYTES + 1))
    expect(() => readReportFile(path, 'report-json')).toThrow(
      `report-json: ${path} is larger than 16.0 MiB, the most a report.json may have`
    )
  })

  it('refuses a FIFO at once instead of waiting for a writer, and a folder', () => {
    const fifo = join(dir, 'fifo.json')
    execFileSync('mkfifo', [fifo])
    expect(() => readReportFile(fifo, 'baseline')).toThrow(
      `baseline: ${fifo} is not a file; give the path of a report.json`
    )
    expect(() => readReportFile(dir, 'baseline')).toThrow(
      `baseline: ${dir} is not a file; give the path of a report.json`
    )
  })

  it('names a file that is not there', () => {
    expect(() => readReportFile(join(dir, 'none.json'), 'baseline')).toThrow(
      `baseline: cannot read ${join(dir, 'none.json')}: ENOENT: no such file or directory`
    )
  })
})

describe('readStoredBaseline', () => {
  const config = { name: 'memgate', 'working-directory': '.', package: '.', rate: '200' }
  const stored = (spoil: (r: Record<string, unknown>) => void) => {
    const report = { ...makeReport(), config } as unknown as Record<string, unknown>
    spoil(report)
    const path = join(dir, `stored-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(path, JSON.stringify(report))
    return path
  }

  it("takes the stored head as this run's base, and says what was measured differently", () => {
    const path = stored(() => {})
    const { run, inputsDiffer } = readStoredBaseline(path, { ...config, rate: '100' })
    expect(run).toEqual({ ...makeReport().runs.head, side: 'base' })
    expect(inputsDiffer).toEqual([{ path, input: 'rate', then: '200', now: '100' }])
  })

  it('refuses trends that are not numbers, and a report without config, in one line', () => {
    const text = stored((r) =>
      Object.assign((r.runs as { head: { trends: object } }).head.trends, { heap: 'NaN' })
    )
    expect(() => readStoredBaseline(text, config)).toThrow(
      `baseline: ${text} does not follow the report.json schema (schemaVersion 2): /runs/head/trends/heap must be object`
    )
    const bare = stored((r) => delete r.config)
    expect(() => readStoredBaseline(bare, config)).toThrow(
      `baseline: ${bare} does not follow the report.json schema (schemaVersion 2): / must have required property 'config'`
    )
  })
})
