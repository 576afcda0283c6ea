// A small but complete report.json, as the engine would write it.
import type { HeapSite, Judgement, Report, Sample, Trend } from '../../src/model.js'
import { describeJudgement } from '../../src/report/judgement.js'

const trend = (slopePerSec: number): Trend => ({
  slopePerSec,
  ciLow: slopePerSec * 0.9,
  ciHigh: slopePerSec * 1.1,
  lateSlopePerSec: slopePerSec,
  method: 'theil-sen',
  confidence: 0.95,
  n: 20
})

export function heapSite(overrides: Partial<HeapSite> = {}): HeapSite {
  return {
    function: 'main.handle',
    file: '/work/repo/service/main.go',
    line: 21,
    repoPath: 'service/main.go',
    callPath: ['main.handle /work/repo/service/main.go:21'],
    inuseBytesGrowth: 5 * 1024 * 1024,
    inuseObjectsGrowth: 20480,
    bytesPerSec: 51200,
    bytesPerRequest: 256,
    withinNoise: false,
    ...overrides
  }
}

export function makeReport(overrides: Partial<Report> = {}): Report {
  const verdict = overrides.verdict ?? 'fail'
  const heapSlope = verdict === 'pass' ? 10 : 51200
  const samples: Sample[] = Array.from({ length: 20 }, (_, i) => ({
    t: i,
    liveHeapBytes: 4_000_000 + heapSlope * i,
    liveHeapObjects: 10_000 + i * 200,
    goroutines: 12,
    rssBytes: 20_000_000 + heapSlope * i
  }))
  const judgements: Judgement[] = [
    {
      ...(verdict === 'pass'
        ? { outcome: 'pass', rule: 'within-limit' }
        : { outcome: verdict, rule: verdict === 'fail' ? 'above-limit' : 'straddles' }),
      series: 'heap',
      against: 'limit',
      estimatePerSec: heapSlope,
      lowPerSec: heapSlope * 0.9,
      highPerSec: heapSlope * 1.1,
      latePerSec: heapSlope,
      limitPerSec: 1024 ** 2 / 60
    }
  ]
  return {
    schemaVersion: 2,
    tool: { name: 'go-memgate', version: '0.1.0' },
    name: 'memgate',
    verdict,
    reasons: judgements.map(describeJudgement),
    judgements,
    notices: [],
    config: { 'max-heap-growth': '1MiB/min', duration: '20s' },
    runs: {
      head: {
        side: 'head',
        samples,
        trends: { heap: trend(heapSlope), goroutines: trend(0), rss: trend(heapSlope) },
        load: { kind: 'built-in', requests: 4000, errors: 0, achievedRatePerSec: 200 },
        attribution: { heap: verdict === 'pass' ? [] : [heapSite()], goroutines: [] },
        sampleNotes: [],
        profilesDir: 'head',
        warmupSec: 5,
        durationSec: 20
      }
    },
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides
  }
}
