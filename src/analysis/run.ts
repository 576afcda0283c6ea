// A measurement reduced to what the report keeps: samples, trends, load, notes.
import type { Run, Sample, SeriesName } from '../report/types.js'
import type { Measurement } from '../engine/measure.js'
import { trend, type Point } from './trend.js'

const VALUE: Record<SeriesName, (s: Sample) => number | null> = {
  heap: (s) => s.heapInuseBytes,
  goroutines: (s) => s.goroutines,
  rss: (s) => s.rssBytes
}

export function seriesPoints(samples: Sample[], series: SeriesName): Point[] {
  return samples.flatMap((s) => {
    const v = VALUE[series](s)
    return v === null ? [] : [{ t: s.t, v }]
  })
}

export function trends(samples: Sample[]): Run['trends'] {
  return {
    heap: trend(seriesPoints(samples, 'heap')),
    goroutines: trend(seriesPoints(samples, 'goroutines')),
    rss: trend(seriesPoints(samples, 'rss'))
  }
}

export function toRun(m: Measurement, warmupSec: number, durationSec: number): Run {
  return {
    side: m.side.side,
    ...(m.side.ref ? { ref: m.side.ref } : {}),
    ...(m.side.commit ? { commit: m.side.commit } : {}),
    samples: m.sampling.samples,
    trends: trends(m.sampling.samples),
    load: m.load,
    sampleNotes: [...m.notes, ...m.sampling.notes],
    profilesDir: m.profilesDir,
    warmupSec,
    durationSec
  }
}
