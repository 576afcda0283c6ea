// Head against base: the difference of their growth rates with an interval that counts
// each run's own error and how much runs of the same code differ, judged by the same rule
// as the absolute limits (judgeAgainst).
import {
  JUDGED_SERIES,
  type Attribution,
  type BaseGrowth,
  type JudgedSeries,
  type Judgement,
  type Report,
  type Run,
  type SeriesComparison,
  type Trend
} from '../model.js'
import { betweenRunVariance, type SlopeEstimate } from './between-runs.js'
import { lookZ } from './looks.js'
import { twoSidedConfidence } from './normal.js'
import { judgeAgainst, limitPerSec, type Limits } from './verdict.js'

/** The allowed increase over the base, per second; null: not judged. */
export type IncreaseLimits = Record<JudgedSeries, number | null>

/**
 * Head slope minus base slope, and its interval at `z` by MOVER (Zou & Donner 2008): each
 * Theil–Sen half-width stands for `trend.z` standard errors of its slope, the two runs are
 * independent, so half-widths add in quadrature, with the run-to-run variance of the two
 * sides' slopes (`betweenRunVariance`, units²/s²) beside them. The lower bound takes the
 * head's lower half and the base's upper half (the sides that move the difference down),
 * and the other way round for the upper bound, which keeps each interval's own asymmetry.
 */
export function slopeDifference(
  head: Trend,
  base: Trend,
  z = head.z,
  betweenRunVariance = 0
): Pick<SeriesComparison, 'diffPerSec' | 'ciLow' | 'ciHigh'> {
  const diffPerSec = head.slopePerSec - base.slopePerSec
  const [h, b] = [z / head.z, z / base.z]
  const half = (headHalf: number, baseHalf: number) =>
    Math.sqrt((headHalf * h) ** 2 + (baseHalf * b) ** 2 + z * z * betweenRunVariance)
  return {
    diffPerSec,
    ciLow: diffPerSec - half(head.slopePerSec - head.ciLow, base.ciHigh - base.slopePerSec),
    ciHigh: diffPerSec + half(head.ciHigh - head.slopePerSec, base.slopePerSec - base.ciLow)
  }
}

/** What the comparison must allow for beyond each run's own interval. */
export interface SpreadOptions {
  /** The least run-to-run spread of one run's slope (baseline-noise-floor), units per second. */
  floorPerSec: Record<JudgedSeries, number>
  /** The base is a report.json from another run: another runner or day, its floor is widened. */
  storedBase: boolean
  /** The z of the comparison's intervals: its budget split over the pairs at which it may stop. */
  z: number
}

/**
 * A stored baseline ran on another machine or day: a run-to-run spread twice the floor
 * (four times the variance) stands for what the same machine's back-to-back runs do not show.
 */
export const STORED_FLOOR_FACTOR = 2

/** Each measured run of a side: its repeats, or the one run. */
function runEstimates(run: Run, series: JudgedSeries, factor: number): SlopeEstimate[] {
  const one = (slope: number | null | undefined, se: number | null | undefined) =>
    slope === null || slope === undefined || se === null || se === undefined
      ? []
      : [{ slopePerSec: slope * factor, sePerSec: Math.abs(se * factor) }]
  if (run.repeats) return run.repeats.flatMap((r) => one(r.slopePerSec[series], r.sePerSec?.[series]))
  const t = run.trends[series]
  return one(t?.slopePerSec, t?.sePerSec)
}

interface RunSpread {
  headPerSec: number
  basePerSec: number
  from: 'floor' | 'repeats'
  /** τ²/k of each side, summed: what the spread adds to the difference's variance. */
  variance: number
}

/**
 * τ from the repeats of both sides when there are two a side (DerSimonian–Laird, each side
 * its own mean), never below the floor: two or three runs often spread less than runs do.
 */
function runSpread(head: Run, base: Run, series: JudgedSeries, factor: number, o: SpreadOptions): RunSpread {
  const [h, b] = [runEstimates(head, series, 1), runEstimates(base, series, factor)]
  const estimated = betweenRunVariance([h, b])
  const floor = o.floorPerSec[series]
  const fromRepeats = estimated !== null && estimated > floor * floor
  const headPerSec = fromRepeats ? Math.sqrt(estimated) : floor
  const basePerSec = o.storedBase ? Math.max(headPerSec, STORED_FLOOR_FACTOR * floor) : headPerSec
  // A stored base's extra spread (another runner, another day) is shared by all its repeats:
  // it does not average down over them as the same machine's run-to-run spread does.
  const sharedByStoredRuns = basePerSec ** 2 - headPerSec ** 2
  return {
    headPerSec,
    basePerSec,
    from: fromRepeats ? 'repeats' : 'floor',
    variance:
      headPerSec ** 2 / Math.max(1, h.length) + headPerSec ** 2 / Math.max(1, b.length) + sharedByStoredRuns
  }
}

export interface RunComparison {
  comparison: NonNullable<Report['comparison']>
  judgements: Judgement[]
}

/** Rates that differ by more than this are compared per request. */
const RATE_TOLERANCE = 0.05

/**
 * The factor that puts the base's growth at the head's request rate, when the two sides were
 * driven at rates more than 5% apart (a busy machine slows one side's load): a leak per request
 * grows with the rate, and would otherwise be counted as the change's doing. 1 otherwise.
 */
function rateScale(head: Run, base: Run): number {
  const [h, b] = [head.requestsPerSec, base.requestsPerSec]
  if (!h || !b || !Number.isFinite(h) || !Number.isFinite(b)) return 1
  return Math.abs(h / b - 1) > RATE_TOLERANCE ? h / b : 1
}

function scaled(t: Trend | null, factor: number): Trend | null {
  if (!t || factor === 1) return t
  const [ciLow, ciHigh] = [t.ciLow * factor, t.ciHigh * factor].sort((x, y) => x - y)
  return {
    ...t,
    slopePerSec: t.slopePerSec * factor,
    ciLow,
    ciHigh,
    lateSlopePerSec: t.lateSlopePerSec * factor,
    sePerSec: t.sePerSec * factor
  }
}

/** Compares every judged series; a series whose increase limit is off is shown, not judged. */
export function compareRuns(
  head: Run,
  base: Run,
  maxIncrease: IncreaseLimits,
  spread: SpreadOptions
): RunComparison {
  const pairs = head.repeats?.length ?? 1
  const confidence = twoSidedConfidence(spread.z)
  const comparison: RunComparison['comparison'] = spread.storedBase
    ? { baseline: 'stored', confidence }
    : { baseline: 'merge-base', pairs, order: pairs > 1 ? 'abba' : 'base-head', confidence }
  const judgements: Judgement[] = []
  const factor = rateScale(head, base)
  if (factor !== 1)
    comparison.perRequest = {
      headRequestsPerSec: head.requestsPerSec as number,
      baseRequestsPerSec: base.requestsPerSec as number
    }
  for (const series of JUDGED_SERIES) {
    const h = head.trends[series]
    const b = scaled(base.trends[series], factor)
    const limit = maxIncrease[series]
    if (!h || !b) {
      if (limit !== null)
        judgements.push({ outcome: 'inconclusive', rule: 'too-few-samples', series, against: 'base' })
      continue
    }
    const s = runSpread(head, base, series, factor, spread)
    const c: SeriesComparison = {
      ...slopeDifference(h, b, spread.z, s.variance),
      limitPerSec: limit,
      runSpreadPerSec: s.headPerSec,
      baseRunSpreadPerSec: s.basePerSec,
      runSpreadFrom: s.from
    }
    comparison[series] = c
    if (limit === null) continue
    const lateDiff = h.lateSlopePerSec - b.lateSlopePerSec
    judgements.push({
      ...judgeAgainst(c.ciLow, c.ciHigh, lateDiff, limit),
      series,
      against: 'base',
      estimatePerSec: c.diffPerSec,
      lowPerSec: c.ciLow,
      highPerSec: c.ciHigh,
      latePerSec: lateDiff,
      limitPerSec: limit,
      confidence,
      headPerSec: h.slopePerSec,
      basePerSec: b.slopePerSec
    })
  }
  const fresh = head.attribution && base.attribution ? newInHead(head.attribution, base.attribution) : []
  if (fresh.length) comparison.newInHead = fresh
  return { comparison, judgements }
}

/**
 * The z of head − base: judged after `repeats` pairs and after each pair added up to
 * `maxRepeats`, so α per side is split over those checkpoints as the looks split theirs.
 */
export function comparisonZ(repeats: number, maxRepeats: number): number {
  return lookZ(Math.max(1, maxRepeats - repeats + 1))
}

/** One more pair helps when head − base is all that keeps the verdict from being decided. */
export function needsAnotherPair(judgements: Judgement[]): boolean {
  return (
    !judgements.some((j) => j.outcome === 'fail') &&
    judgements.some(
      (j) => j.against === 'base' && j.outcome === 'inconclusive' && j.rule !== 'too-few-samples'
    )
  )
}

/**
 * Series the base itself grows in, judged by the same rule against the absolute limit,
 * or the allowed increase when that limit is off: a head that grows as fast passes the
 * comparison, and the reader must learn that the leak predates it.
 */
export function baseGrowth(base: Run, absolute: Limits, maxIncrease: IncreaseLimits): BaseGrowth[] {
  return JUDGED_SERIES.flatMap((series) => {
    const t = base.trends[series]
    const limit = absolute[series]
    const threshold = limit ? limitPerSec(limit, base.requestsPerSec) : maxIncrease[series]
    if (!t || threshold === null) return []
    if (judgeAgainst(t.ciLow, t.ciHigh, t.lateSlopePerSec, threshold).outcome !== 'fail') return []
    return [{ series, trend: t, ...(base.ref ? { ref: base.ref } : {}) }]
  })
}

/** When nothing was judged the gate must not pass by default: it says why it cannot tell. */
export function nothingJudged(baselineMissing: boolean): Judgement {
  return { outcome: 'inconclusive', rule: 'nothing-judged', series: null, against: 'limit', baselineMissing }
}

/**
 * Functions that grow in the head but not in the base: the growth this change brings.
 * Matched by function name, since file paths differ between the two checkouts and line
 * numbers shift between commits.
 */
export function newInHead(head: Attribution, base: Attribution): string[] {
  const growing = (a: Attribution) => [
    // Goroutine records stand for the goroutines listed below, not for a line.
    ...a.heap.filter((s) => !s.withinNoise && !s.kind).map((s) => s.function),
    ...a.goroutines.filter((g) => g.countGrowth > 0).map((g) => g.function)
  ]
  const before = new Set(growing(base))
  return [...new Set(growing(head))].filter((f) => !before.has(f))
}
