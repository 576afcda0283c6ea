// The JSON Schema of report.json, published as schema/report.schema.json: the schema of
// model.ts's Report, whose static type is the Report the code uses, so what parseReport
// validates is what renderers read. A report is read back as a stored baseline and, in
// the fork-safe `mode: comment`, from untrusted code.
import { Type, type Static } from '@sinclair/typebox'
import { Report, Run, Sample, Trend } from '../model.js'

/** report.json, schemaVersion 2, as published: plain JSON (TypeBox's symbols dropped). */
export const REPORT_SCHEMA: Record<string, unknown> = JSON.parse(
  JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/go-memgate/go-memgate/schema/report.schema.json',
    title: 'go-memgate report.json',
    description:
      'What one go-memgate run measured and decided (schemaVersion 2). Numbers are finite; growth is per second; sizes in bytes.',
    ...Report
  })
)

/** Version 1's samples named the live heap heapInuse*. */
const SampleV1 = Type.Composite([
  Type.Omit(Sample, ['liveHeapBytes', 'liveHeapObjects']),
  Type.Object({
    heapInuseBytes: Sample.properties.liveHeapBytes,
    heapInuseObjects: Sample.properties.liveHeapObjects
  })
])

/** Version 1's trends had Sen's plain interval and no halves. */
const TrendV1 = Type.Pick(Trend, ['slopePerSec', 'ciLow', 'ciHigh', 'lateSlopePerSec', 'n'])

const RunV1 = Type.Composite([
  Type.Omit(Run, ['samples', 'trends', 'source', 'requestsPerSec', 'looks', 'detectable', 'quiescence']),
  Type.Object({
    samples: Type.Array(SampleV1, { maxItems: Run.properties.samples.maxItems }),
    trends: Type.Object({
      heap: Type.Union([TrendV1, Type.Null()]),
      goroutines: Type.Union([TrendV1, Type.Null()]),
      rss: Type.Union([TrendV1, Type.Null()])
    })
  })
])

/** schemaVersion 1, read to be migrated (report.ts): no judgements, the fields above. */
export const ReportV1 = Type.Composite([
  Type.Omit(Report, ['schemaVersion', 'judgements', 'runs']),
  Type.Object({
    schemaVersion: Type.Literal(1),
    runs: Type.Object({ head: RunV1, base: Type.Optional(RunV1) }, { additionalProperties: false })
  })
])
export type ReportV1 = Static<typeof ReportV1>
