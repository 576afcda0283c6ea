// A measurement reduced to what the report keeps: samples, trends, attribution, load, notes.
import {
  SERIES,
  SERIES_NAMES,
  type Attribution,
  type Measurement,
  type Run,
  type Sample,
  type SeriesName
} from '../model.js'
import { diffHeap, type HeapDiff } from '../profile/diff.js'
import type { RepoLayout } from '../profile/paths.js'
import { attributeGoroutines, attributeHeap } from './attribution.js'
import { trend, type Point } from './trend.js'

export function seriesPoints(samples: Sample[], series: SeriesName): Point[] {
  return samples.flatMap((s) => {
    const v = SERIES[series].value(s)
    return v === null ? [] : [{ t: s.t, v }]
  })
}

/** One value per series, from a function of the series. */
export function bySeries<T>(f: (s: SeriesName) => T): Record<SeriesName, T> {
  return Object.fromEntries(SERIES_NAMES.map((s) => [s, f(s)])) as Record<SeriesName, T>
}

export function trends(samples: Sample[]): Run['trends'] {
  return bySeries((s) => trend(seriesPoints(samples, s)))
}

export interface RunShape {
  warmupSec: number
  durationSec: number
  /** The growth flame graph's file in the run's profiles folder, when one was written. */
  flamegraphFile: string | null
  /** What the heap kept between the first and the last sample: heapGrowth(m). */
  heapDiff: HeapDiff | null
}

/** The heap diff, first sample to last, computed once for attribution and the flame graph. */
export function heapGrowth(m: Measurement): HeapDiff | null {
  const { heap } = m.sampling
  const [first, last] = [heap[0], heap.at(-1)]
  return first && last && first !== last ? diffHeap(first.summary, last.summary) : null
}

/** What grew between the first and the last sample, by allocation site and by goroutine stack. */
export function attribution(m: Measurement, shape: RunShape): Attribution | undefined {
  const { heap, goroutines, requests, goroutineText, goroutineLeaks } = m.sampling
  const { heapDiff, flamegraphFile } = shape
  if (!heapDiff || goroutines.length < 2) return undefined
  const layout: RepoLayout = {
    repoRoot: m.module.repoRoot,
    modules: m.module.modules
  }
  const [firstHeap, lastHeap] = [heap[0], heap[heap.length - 1]]
  const [firstG, lastG] = [goroutines[0], goroutines[goroutines.length - 1]]
  const stacks = attributeGoroutines(firstG.summary, lastG.summary, lastG.t - firstG.t, {
    layout,
    ...(goroutineText ? { text: goroutineText } : {}),
    ...(goroutineLeaks ? { leaked: goroutineLeaks } : {})
  })
  return {
    heap: attributeHeap(heapDiff, lastHeap.t - firstHeap.t, requests, layout),
    goroutines: stacks,
    files: {
      ...(flamegraphFile ? { flamegraph: `${m.profilesDir}/${flamegraphFile}` } : {}),
      heapFirst: `${m.profilesDir}/${firstHeap.file}`,
      heapLast: `${m.profilesDir}/${lastHeap.file}`
    },
    notes: [
      ...(goroutineLeaks
        ? [
            'Built with GOEXPERIMENT=goroutineleakprofile: goroutines the runtime proved leaked are marked so.'
          ]
        : []),
      ...(m.sampling.heap[0].summary.samplingRateBytes > 64 * 1024
        ? [
            `The heap profile samples one allocation per ${Math.round(m.sampling.heap[0].summary.samplingRateBytes / 1024)} KiB: small leaks may not show by site. Set memprofilerate for finer attribution.`
          ]
        : [])
    ]
  }
}

export function toRun(m: Measurement, shape: RunShape): Run {
  const a = attribution(m, shape)
  return {
    side: m.side.side,
    ...(m.side.ref ? { ref: m.side.ref } : {}),
    ...(m.side.commit ? { commit: m.side.commit } : {}),
    samples: m.sampling.samples,
    trends: trends(m.sampling.samples),
    load: m.load,
    ...(a ? { attribution: a } : {}),
    sampleNotes: [...m.notes, ...m.sampling.notes],
    profilesDir: m.profilesDir,
    warmupSec: shape.warmupSec,
    durationSec: shape.durationSec
  }
}
