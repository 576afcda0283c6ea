// Head against base: the difference of their growth rates with an interval, judged by
// the same rule as the absolute limits (judgeAgainst).
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
import { judgeAgainst, limitPerSec, type Limits } from './verdict.js'

/** The allowed increase over the base, per second; null: not judged. */
export type IncreaseLimits = Record<JudgedSeries, number | null>

/**
 * Head slope minus base slope, and its 95% interval by MOVER (Zou & Donner 2008): each
 * Theil–Sen half-width stands for ~1.96 standard errors of its slope, the two runs are
 * independent, so half-widths add in quadrature. The lower bound takes the head's lower
 * half and the base's upper half (the sides that move the difference down), and the
 * other way round for the upper bound, which keeps each interval's own asymmetry.
 */
export function slopeDifference(head: Trend, base: Trend): Omit<SeriesComparison, 'limitPerSec'> {
  const diffPerSec = head.slopePerSec - base.slopePerSec
  return {
    diffPerSec,
    ciLow: diffPerSec - Math.hypot(head.slopePerSec - head.ciLow, base.ciHigh - base.slopePerSec),
    ciHigh: diffPerSec + Math.hypot(head.ciHigh - head.slopePerSec, base.slopePerSec - base.ciLow)
  }
}

export interface RunComparison {
  comparison: NonNullable<Report['comparison']>
  judgements: Judgement[]
}

/** Rates that differ by more than this are compared per request. */
export const RATE_TOLERANCE = 0.05

/**
 * The factor that puts the base's growth at the head's request rate, when the two sides were
 * driven at rates more than 5% apart (a busy machine slows one side's load): a leak per request
 * grows with the rate, and would otherwise be counted as the change's doing. 1 otherwise.
 */
export function rateScale(head: Run, base: Run): number {
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
export function compareRuns(head: Run, base: Run, maxIncrease: IncreaseLimits): RunComparison {
  const comparison: RunComparison['comparison'] = {}
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
    const c: SeriesComparison = { ...slopeDifference(h, b), limitPerSec: limit }
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
      confidence: Math.min(h.confidence, b.confidence),
      headPerSec: h.slopePerSec,
      basePerSec: b.slopePerSec
    })
  }
  const fresh = head.attribution && base.attribution ? newInHead(head.attribution, base.attribution) : []
  if (fresh.length) comparison.newInHead = fresh
  return { comparison, judgements }
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
