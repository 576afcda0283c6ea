// The JSON Schema of report.json, published as schema/report.schema.json. A report is
// read back as a stored baseline and, in the fork-safe `mode: comment`, from untrusted
// code: every field a renderer reads has its type here, every number is finite (ajv's
// `number` refuses NaN and Infinity), every string and list is bounded. Objects accept
// fields they do not name, so that a newer report still reads; where a renderer walks an
// object's keys (runs), they do not.
import { NAME_PATTERN } from '../config.js'
import type {
  GoroutineGroup,
  HeapSite,
  JudgedSeries,
  Judgement,
  JudgementRule,
  LoadStats,
  Run,
  Sample,
  SamplingInterval,
  SeriesName,
  Verdict
} from '../model.js'

/** The members of a string union, as a list that tsc checks is complete: a member added to the union fails the build here. */
const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never)) =>
    list

const VERDICTS = every<Verdict>()(['pass', 'fail', 'inconclusive'])
const RULES = every<JudgementRule>()([
  'upper-below-limit',
  'late-upper-below-limit',
  'levels-off-below-limit',
  'above-limit',
  'saturating',
  'late-slope-below-limit',
  'too-noisy',
  'straddles',
  'too-few-samples',
  'nothing-judged'
])
const JUDGED = every<JudgedSeries>()(['heap', 'goroutines'])
const SERIES = every<SeriesName>()(['heap', 'goroutines', 'rss'])
const SIDES = every<Run['side']>()(['head', 'base'])
const LOAD_KINDS = every<LoadStats['kind']>()(['built-in', 'command'])
const READINGS = every<NonNullable<Sample['reading']>>()(['quiesced', 'least-of-4', 'metrics'])
const AGAINST = every<Judgement['against']>()(['limit', 'base'])
const SITE_KINDS = every<NonNullable<HeapSite['kind']>>()(['goroutines'])
const INTERVAL_MODES = every<SamplingInterval['mode']>()(['auto', 'fixed'])
const INTERVAL_REASONS = every<SamplingInterval['reason']>()(['budget', 'floor', 'fixed', 'load-command'])
const COST_MEASURES = every<SamplingInterval['costMeasure']>()(['cpu', 'wall', 'none'])

type Schema = Record<string, unknown>

const NUMBER: Schema = { type: 'number' }
const COUNT: Schema = { type: 'number', minimum: 0 }
const NUMBER_OR_NULL: Schema = { type: ['number', 'null'] }
const BOOLEAN: Schema = { type: 'boolean' }
/** Any text: a reason, a function name, a path, an input as written. */
const TEXT: Schema = { type: 'string', maxLength: 8192 }
const WORD: Schema = { type: 'string', maxLength: 256 }
const oneOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] })
const list = (items: Schema, maxItems = 10_000): Schema => ({ type: 'array', maxItems, items })

/** An object with these fields, those in `required` required; others allowed as `extra` says. */
function object(
  properties: Record<string, Schema>,
  required: readonly string[],
  extra: Schema | boolean = true
): Schema {
  return { type: 'object', properties, required: [...required], additionalProperties: extra }
}

/** What a newer Trend or Judgement may add: scalars and small records of numbers (a fill's plateau and time constant). */
const SCALAR_OR_RECORD: Schema = {
  anyOf: [
    { type: ['number', 'boolean', 'null'] },
    WORD,
    { type: 'object', maxProperties: 16, additionalProperties: NUMBER }
  ]
}

const fields = <T>(names: readonly (keyof T & string)[], schema: Schema) =>
  Object.fromEntries(names.map((n) => [n, schema]))

/** One of the definitions below. */
const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` })
const orNull = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] })
const bySeries = (names: readonly string[], schema: Schema): Schema =>
  object(fields<Record<string, unknown>>(names, schema), names)

const DEFINITIONS = {
  sample: object(
    {
      ...fields<Sample>(['t', 'liveHeapBytes', 'liveHeapObjects', 'goroutines'], NUMBER),
      rssBytes: NUMBER_OR_NULL,
      reading: oneOf(READINGS),
      pauseMs: COUNT,
      gcCostMs: COUNT
    },
    ['t', 'liveHeapBytes', 'liveHeapObjects', 'goroutines', 'rssBytes']
  ),
  // Only the fields every version of Trend has are required; the rest may change with the analysis.
  trend: object(
    { slopePerSec: NUMBER, ciLow: NUMBER, ciHigh: NUMBER, lateSlopePerSec: NUMBER, n: COUNT },
    ['slopePerSec', 'ciLow', 'ciHigh', 'lateSlopePerSec', 'n'],
    SCALAR_OR_RECORD
  ),
  load: object(
    {
      kind: oneOf(LOAD_KINDS),
      command: TEXT,
      requests: NUMBER_OR_NULL,
      errors: NUMBER_OR_NULL,
      firstError: TEXT,
      achievedRatePerSec: NUMBER_OR_NULL,
      exitCode: NUMBER_OR_NULL
    },
    ['kind', 'requests', 'errors', 'achievedRatePerSec']
  ),
  heapSite: object(
    {
      function: TEXT,
      file: TEXT,
      line: NUMBER,
      repoPath: TEXT,
      kind: oneOf(SITE_KINDS),
      callPath: list(TEXT, 1000),
      ...fields<HeapSite>(
        ['inuseBytesGrowth', 'inuseObjectsGrowth', 'bytesPerSec', 'bytesPerRequest'],
        NUMBER
      ),
      withinNoise: BOOLEAN
    },
    [
      'function',
      'file',
      'line',
      'callPath',
      'inuseBytesGrowth',
      'inuseObjectsGrowth',
      'bytesPerSec',
      'withinNoise'
    ]
  ),
  goroutineGroup: object(
    {
      ...fields<GoroutineGroup>(['function', 'file', 'repoPath', 'waitReason', 'createdBy'], TEXT),
      ...fields<GoroutineGroup>(['line', 'countGrowth', 'perSec', 'count'], NUMBER),
      callPath: list(TEXT, 1000),
      provenLeaked: BOOLEAN
    },
    ['function', 'file', 'line', 'callPath', 'countGrowth', 'perSec', 'count']
  ),
  attribution: object(
    {
      heap: list(ref('heapSite')),
      goroutines: list(ref('goroutineGroup')),
      files: object({ flamegraph: TEXT, heapFirst: TEXT, heapLast: TEXT }, []),
      notes: list(TEXT, 1000)
    },
    ['heap', 'goroutines']
  ),
  run: object(
    {
      side: oneOf(SIDES),
      ref: TEXT,
      commit: { type: 'string', pattern: '^[0-9a-fA-F]{1,64}$' },
      samples: list(ref('sample'), 200_000),
      trends: bySeries(SERIES, orNull(ref('trend'))),
      load: ref('load'),
      attribution: ref('attribution'),
      sampleNotes: list(TEXT),
      profilesDir: TEXT,
      warmupSec: COUNT,
      durationSec: COUNT,
      repeats: list(
        object(
          {
            slopePerSec: bySeries(SERIES, NUMBER_OR_NULL),
            sePerSec: bySeries(SERIES, NUMBER_OR_NULL),
            profilesDir: TEXT
          },
          ['slopePerSec']
        ),
        1000
      ),
      source: object({ kind: oneOf(['pprof', 'metrics']), heapGauge: WORD }, ['kind'], false),
      requestsPerSec: NUMBER_OR_NULL,
      looks: list(
        object(
          {
            index: COUNT,
            count: COUNT,
            atSec: NUMBER,
            decisions: object(
              {},
              [],
              object(
                { outcome: oneOf([...VERDICTS, 'continue']), rule: oneOf(RULES) },
                ['outcome', 'rule'],
                false
              )
            ),
            limitsPerSec: object({}, [], NUMBER),
            samplingOnToName: { type: 'boolean' }
          },
          ['index', 'count', 'atSec', 'decisions', 'limitsPerSec']
        ),
        100
      ),
      detectable: object(
        {},
        [],
        object(
          { perSec: NUMBER, perMin: NUMBER, perRequest: NUMBER_OR_NULL, limitPerRequest: NUMBER_OR_NULL },
          ['perSec', 'perRequest', 'limitPerRequest']
        )
      ),
      quiescence: object(
        {
          enabled: BOOLEAN,
          notDrained: COUNT,
          pauseP50Ms: NUMBER_OR_NULL,
          pauseP95Ms: NUMBER_OR_NULL,
          pausedFraction: NUMBER_OR_NULL
        },
        ['enabled', 'notDrained']
      ),
      interval: object(
        {
          intervalMs: COUNT,
          mode: oneOf(INTERVAL_MODES),
          reason: oneOf(INTERVAL_REASONS),
          lookTimesFactor: COUNT,
          gcCostPerSampleSec: orNull(COUNT),
          costMeasure: oneOf(COST_MEASURES),
          budgetCores: COUNT,
          costCores: orNull(COUNT),
          budgetIntervalMs: orNull(COUNT),
          overBudget: BOOLEAN
        },
        [
          'intervalMs',
          'mode',
          'reason',
          'gcCostPerSampleSec',
          'costMeasure',
          'budgetCores',
          'costCores',
          'overBudget'
        ]
      )
    },
    ['side', 'samples', 'trends', 'load', 'sampleNotes', 'profilesDir', 'warmupSec', 'durationSec']
  ),
  judgement: object(
    {
      outcome: oneOf(VERDICTS),
      rule: oneOf(RULES),
      series: { enum: [...JUDGED, null] },
      against: oneOf(AGAINST),
      ...fields<Judgement>(
        [
          'estimatePerSec',
          'lowPerSec',
          'highPerSec',
          'latePerSec',
          'limitPerSec',
          'headPerSec',
          'basePerSec'
        ],
        NUMBER
      ),
      baselineMissing: BOOLEAN
    },
    ['outcome', 'rule', 'series', 'against'],
    SCALAR_OR_RECORD
  ),
  seriesComparison: object(
    {
      diffPerSec: NUMBER,
      ciLow: NUMBER,
      ciHigh: NUMBER,
      limitPerSec: NUMBER_OR_NULL,
      runSpreadPerSec: COUNT,
      baseRunSpreadPerSec: COUNT,
      runSpreadFrom: oneOf(['floor', 'repeats'])
    },
    ['diffPerSec', 'ciLow', 'ciHigh', 'limitPerSec']
  )
}

/** report.json, schemaVersion 2. */
export const REPORT_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/go-memgate/go-memgate/schema/report.schema.json',
  title: 'go-memgate report.json',
  description:
    'What one go-memgate run measured and decided (schemaVersion 2). Numbers are finite; growth is per second; sizes in bytes.',
  ...object(
    {
      schemaVersion: { const: 2 },
      tool: object({ name: { const: 'go-memgate' }, version: WORD }, ['name', 'version']),
      name: { type: 'string', pattern: NAME_PATTERN },
      verdict: oneOf(VERDICTS),
      reasons: list(TEXT, 100),
      judgements: list(ref('judgement'), 100),
      notices: list(TEXT, 1000),
      config: { type: 'object', maxProperties: 200, additionalProperties: TEXT },
      runs: object({ head: ref('run'), base: ref('run') }, ['head'], false),
      comparison: object(
        {
          heap: ref('seriesComparison'),
          goroutines: ref('seriesComparison'),
          newInHead: list(TEXT, 1000),
          perRequest: object(
            { headRequestsPerSec: NUMBER, baseRequestsPerSec: NUMBER },
            ['headRequestsPerSec', 'baseRequestsPerSec'],
            false
          ),
          pairs: { type: 'integer', minimum: 1 },
          order: oneOf(['base-head', 'abba']),
          baseline: oneOf(['merge-base', 'stored']),
          confidence: { type: 'number', minimum: 0, maximum: 1 }
        },
        []
      ),
      createdAt: WORD
    },
    [
      'schemaVersion',
      'tool',
      'name',
      'verdict',
      'reasons',
      'judgements',
      'notices',
      'config',
      'runs',
      'createdAt'
    ]
  ),
  definitions: DEFINITIONS
}

interface ObjectSchema {
  properties: Record<string, Schema>
  required: string[]
}

/**
 * schemaVersion 1, read to be migrated (report.ts): its samples name the live heap
 * heapInuseBytes and heapInuseObjects, and it kept no judgements.
 */
export function reportSchemaV1(): Schema {
  const schema = structuredClone(REPORT_SCHEMA) as Schema &
    ObjectSchema & { definitions: Record<string, ObjectSchema> }
  delete schema.$id
  schema.properties.schemaVersion = { const: 1 }
  schema.required = schema.required.filter((r) => r !== 'judgements')
  const sample = schema.definitions.sample
  const { liveHeapBytes, liveHeapObjects, ...rest } = sample.properties
  sample.properties = { ...rest, heapInuseBytes: liveHeapBytes, heapInuseObjects: liveHeapObjects }
  sample.required = sample.required.map((r) => r.replace(/^liveHeap/, 'heapInuse'))
  return schema
}
