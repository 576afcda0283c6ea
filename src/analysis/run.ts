// A measurement reduced to what the report keeps: samples, trends, attribution, load, notes.
import type { Measurement } from '../engine/measure.js'
import { FLAMEGRAPH_FILE } from '../engine/measure.js'
import type { RepoLayout } from '../profile/paths.js'
import type { Attribution, Run, Sample, SeriesName } from '../report/types.js'
import { attributeGoroutines, attributeHeap } from './attribution.js'
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

/** What grew between the first and the last sample, by allocation site and by goroutine stack. */
export function attribution(m: Measurement): Attribution | undefined {
  const { heap, goroutines, requests, goroutineText, goroutineLeaks } = m.sampling
  if (heap.length < 2 || goroutines.length < 2) return undefined
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
    heap: attributeHeap(firstHeap.summary, lastHeap.summary, lastHeap.t - firstHeap.t, requests, layout),
    goroutines: stacks,
    files: {
      flamegraph: `${m.profilesDir}/${FLAMEGRAPH_FILE}`,
      heapBase: `${m.profilesDir}/${firstHeap.file}`,
      heapHead: `${m.profilesDir}/${lastHeap.file}`
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

export function toRun(m: Measurement, warmupSec: number, durationSec: number): Run {
  const a = attribution(m)
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
    warmupSec,
    durationSec
  }
}
