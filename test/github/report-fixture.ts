// A small but complete report.json, as the engine would write it.
import type { HeapSite, Report, Sample, Trend } from '../../src/report/types.js'

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
    heapInuseBytes: 4_000_000 + heapSlope * i,
    heapInuseObjects: 10_000 + i * 200,
    goroutines: 12,
    rssBytes: 20_000_000 + heapSlope * i
  }))
  return {
    schemaVersion: 1,
    tool: { name: 'go-memgate', version: '0.1.0' },
    name: 'memgate',
    verdict,
    reasons: verdict === 'pass' ? [] : ['live heap grows 3.00 MiB/min (limit 1 MiB/min)'],
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
