// The verdict rule. A fail needs growth above the limit with confidence AND still
// above it in the second half of the run; anything less certain is inconclusive.
// Judgements are numbers; report/judgement.ts puts them in words.
import type { JudgedSeries, Judgement, JudgementRule, Trend, Verdict } from '../model.js'

/** Judges one series' growth against its limit; null when the limit is off. */
export function judgeGrowth(
  series: JudgedSeries,
  t: Trend | null,
  limitPerSec: number | null
): Judgement | null {
  if (limitPerSec === null) return null
  if (!t) return { outcome: 'inconclusive', rule: 'too-few-samples', series, against: 'limit' }
  return {
    ...judgeAgainst(t.ciLow, t.ciHigh, t.lateSlopePerSec, limitPerSec),
    series,
    against: 'limit',
    estimatePerSec: t.slopePerSec,
    lowPerSec: t.ciLow,
    highPerSec: t.ciHigh,
    latePerSec: t.lateSlopePerSec,
    limitPerSec
  }
}

/** The shared rule, for absolute limits and for the difference with a baseline. */
export function judgeAgainst(
  low: number,
  high: number,
  lateEstimate: number,
  limit: number
): { outcome: Verdict; rule: JudgementRule } {
  if (low > limit && lateEstimate > limit) return { outcome: 'fail', rule: 'above-limit' }
  if (low > limit) return { outcome: 'inconclusive', rule: 'slowed' }
  if (high > limit) return { outcome: 'inconclusive', rule: 'straddles' }
  return { outcome: 'pass', rule: 'within-limit' }
}

const RANK: Record<Verdict, number> = { fail: 2, inconclusive: 1, pass: 0 }

/** Worst outcome wins; judgements are listed worst first. */
export function combine(judgements: (Judgement | null)[]): { verdict: Verdict; judgements: Judgement[] } {
  const present = judgements.filter((j): j is Judgement => j !== null)
  const sorted = [...present].sort((a, b) => RANK[b.outcome] - RANK[a.outcome])
  return { verdict: sorted[0]?.outcome ?? 'pass', judgements: sorted }
}

/** Whether the verdict fails the check under `fail-on`. */
export function failsGate(verdict: Verdict, failOn: 'fail' | 'inconclusive' | 'never'): boolean {
  if (failOn === 'never') return false
  return verdict === 'fail' || (failOn === 'inconclusive' && verdict === 'inconclusive')
}
