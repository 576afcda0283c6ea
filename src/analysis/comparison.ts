// Head against base: the difference of their growth rates with an interval, judged by
// the same rule as the absolute limits (judgeAgainst).
import type { Attribution, Report, Run, SeriesComparison, Trend } from '../report/types.js'
import { formatRate, judgeAgainst, LABEL, type Judgement } from './verdict.js'

/** The series a baseline is judged on; RSS is shown, never judged. */
type Judged = 'heap' | 'goroutines'
const JUDGED: Judged[] = ['heap', 'goroutines']

export type Limits = Record<Judged, number | null>

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

/** Compares every judged series; a series whose increase limit is off is shown, not judged. */
export function compareRuns(head: Run, base: Run, maxIncrease: Limits): RunComparison {
  const comparison: RunComparison['comparison'] = {}
  const judgements: Judgement[] = []
  for (const series of JUDGED) {
    const h = head.trends[series]
    const b = base.trends[series]
    const limit = maxIncrease[series]
    if (!h || !b) {
      if (limit !== null)
        judgements.push({
          outcome: 'inconclusive',
          reason: `${LABEL[series]}: too few samples to compare head and base`
        })
      continue
    }
    const c: SeriesComparison = { ...slopeDifference(h, b), limitPerSec: limit }
    comparison[series] = c
    if (limit !== null) judgements.push(judgeIncrease(series, h, b, c, limit))
  }
  return { comparison, judgements }
}

function judgeIncrease(series: Judged, h: Trend, b: Trend, c: SeriesComparison, limit: number): Judgement {
  const rate = (v: number) => formatRate(series, v)
  const signed = (v: number) => (v > 0 ? '+' : '') + rate(v)
  const label = LABEL[series]
  const measured = `${label} grows ${signed(c.diffPerSec)} over the base (95% CI ${signed(c.ciLow)} to ${signed(c.ciHigh)}; head ${rate(h.slopePerSec)}, base ${rate(b.slopePerSec)})`
  const allowed = `allowed increase ${rate(limit)}`
  const lateDiff = h.lateSlopePerSec - b.lateSlopePerSec
  return judgeAgainst(c.ciLow, c.ciHigh, lateDiff, limit, {
    fail: `${measured}, ${allowed}`,
    slowed: `${measured}, above the ${allowed}, but only ${signed(lateDiff)} in the second half: a warm-up or a plateau? Lengthen warmup`,
    straddles: `${measured}: the interval straddles the ${allowed}; lengthen duration or raise repeats for a clear answer`,
    pass: `${label} ${signed(c.diffPerSec)} over the base, within the ${allowed}`
  })
}

/**
 * Notices for series the base itself grows in, judged by the same rule against the
 * absolute limit, or the allowed increase when that limit is off: a head that grows as
 * fast passes the comparison, and the reader must learn that the leak predates it.
 */
export function baseGrowthNotices(base: Run, absolute: Limits, maxIncrease: Limits): string[] {
  return JUDGED.flatMap((series) => {
    const t = base.trends[series]
    const threshold = absolute[series] ?? maxIncrease[series]
    if (!t || threshold === null) return []
    const grows = judgeAgainst(t.ciLow, t.ciHigh, t.lateSlopePerSec, threshold, NO_REASONS).outcome === 'fail'
    if (!grows) return []
    const rate = (v: number) => formatRate(series, v)
    return [
      `the base grows too: ${LABEL[series]} ${rate(t.slopePerSec)} (95% CI ${rate(t.ciLow)} to ${rate(t.ciHigh)})${base.ref ? ` on ${base.ref}` : ''}; that growth predates this change`
    ]
  })
}

const NO_REASONS = { fail: '', slowed: '', straddles: '', pass: '' }

/** When nothing was judged the gate must not pass by default: it says why it cannot tell. */
export function nothingJudged(baselineMissing: boolean): Judgement {
  return {
    outcome: 'inconclusive',
    reason: baselineMissing
      ? 'nothing to judge against: no baseline, and both absolute limits are off; set max-heap-growth or max-goroutine-growth'
      : 'nothing to judge against: every limit is off; set max-heap-growth, max-goroutine-growth or max-increase-over-baseline'
  }
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
