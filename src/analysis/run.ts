// A measurement reduced to what the report keeps: samples, trends, attribution, load, notes.
import {
  JUDGED_SERIES,
  SERIES,
  SERIES_NAMES,
  type Attribution,
  type LookRecord,
  type Measurement,
  type Quiescence,
  type Run,
  type Sample,
  type SeriesName
} from '../model.js'
import { diffHeap, type HeapDiff } from '../profile/diff.js'
import type { RepoLayout } from '../profile/paths.js'
import { attributeGoroutines, attributeHeap } from './attribution.js'
import { detectableLeak } from './detectable.js'
import { detectSignatures } from './signatures.js'
import { loadReach } from './load-reach.js'
import { lookZ } from './looks.js'
import type { Point } from './point.js'
import { trend } from './trend.js'

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

/** Every series' trend, its bounds at `z`; the load ran for `warmupSec` before the first sample. */
function trends(samples: Sample[], z: number, warmupSec: number): Run['trends'] {
  return bySeries((s) => trend(seriesPoints(samples, s), z, -warmupSec))
}

export interface RunShape {
  warmupSec: number
  /** The looks taken while sampling (verdict.ts judgeLook); the last is where it stopped. */
  looks: LookRecord[]
  /** Whether readings were to be taken with the load paused. */
  quiesce: boolean
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
function attribution(m: Measurement, shape: RunShape): Attribution | undefined {
  const { heap, goroutines, requests, goroutineText, goroutineOrigins, goroutineLeaks } = m.sampling
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
    ...(goroutineOrigins ? { origins: goroutineOrigins, heapStacks: heapDiff.stacks } : {}),
    ...(goroutineLeaks ? { leaked: goroutineLeaks } : {})
  })
  const sites = attributeHeap(heapDiff, lastHeap.t - firstHeap.t, requests, {
    layout,
    ...(goroutineOrigins ? { origins: goroutineOrigins, heapStacks: heapDiff.stacks } : {}),
    ...(m.side.changedLines ? { changedLines: m.side.changedLines } : {})
  })
  return {
    heap: sites,
    goroutines: stacks,
    files: {
      ...(flamegraphFile ? { flamegraph: `${m.profilesDir}/${flamegraphFile}` } : {}),
      heapFirst: `${m.profilesDir}/${firstHeap.file}`,
      heapLast: `${m.profilesDir}/${lastHeap.file}`
    },
    ...(goroutineLeaks ? { goroutineLeakProfile: true } : {}),
    heapSamplingRateBytes: firstHeap.summary.samplingRateBytes,
    signatures: detectSignatures(heapDiff, stacks, layout)
  }
}

export function toRun(m: Measurement, shape: RunShape): Run {
  const a = attribution(m, shape)
  const { samples } = m.sampling
  const durationSec = samples.at(-1)?.t ?? 0
  const requestsPerSec =
    m.sampling.requests !== null && durationSec > 0 ? m.sampling.requests / durationSec : null
  const last = shape.looks.at(-1)
  const runTrends = trends(samples, lookZ(last?.count ?? 1), shape.warmupSec)
  const reach = loadReach(m.idle, m.sampling.allocated, m.sampling.heap)
  return {
    side: m.side.side,
    ...(m.side.ref ? { ref: m.side.ref } : {}),
    ...(m.side.commit ? { commit: m.side.commit } : {}),
    samples,
    trends: runTrends,
    load: m.load,
    ...(a ? { attribution: a } : {}),
    sampleNotes: [...m.notes, ...m.sampling.notes],
    profilesDir: m.profilesDir,
    warmupSec: shape.warmupSec,
    durationSec,
    source: m.sampling.heapGauge ? { kind: 'metrics', heapGauge: m.sampling.heapGauge } : { kind: 'pprof' },
    requestsPerSec,
    looks: shape.looks,
    detectable: detectable(runTrends, last, requestsPerSec),
    quiescence: quiescence(samples, shape.quiesce, durationSec),
    ...(m.sampling.interval ? { interval: m.sampling.interval } : {}),
    ...(reach ? { loadReach: reach } : {})
  }
}

/** For each series judged at the last look: the smallest leak its fail rule would catch. */
function detectable(
  runTrends: Run['trends'],
  last: LookRecord | undefined,
  requestsPerSec: number | null
): Run['detectable'] {
  const out: Run['detectable'] = {}
  for (const series of JUDGED_SERIES) {
    const t = runTrends[series]
    const limit = last?.limitsPerSec[series]
    if (!t || limit === undefined) continue
    out[series] = detectableLeak(t.sePerSec, limit, t.z, requestsPerSec)
  }
  return out
}

/** What pausing the load cost: pause per reading and the share of the run it took. */
function quiescence(samples: Sample[], enabled: boolean, durationSec: number): Quiescence {
  const pauses = samples.flatMap((s) => (s.pauseMs === undefined ? [] : [s.pauseMs])).sort((a, b) => a - b)
  const at = (q: number) =>
    pauses.length ? pauses[Math.min(pauses.length - 1, Math.floor(q * pauses.length))] : null
  const pausedSec = pauses.reduce((sum, ms) => sum + ms, 0) / 1000
  return {
    enabled,
    notDrained: enabled ? samples.filter((s) => s.reading === 'least-of-4').length : 0,
    pauseP50Ms: at(0.5),
    pauseP95Ms: at(0.95),
    pausedFraction: pauses.length && durationSec > 0 ? pausedSec / durationSec : null
  }
}
