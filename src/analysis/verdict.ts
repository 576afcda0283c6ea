// The verdict rule. A fail needs growth above the limit with confidence AND still
// above it in the second half of the run; anything less certain is inconclusive.
import type { SeriesName, Trend, Verdict } from '../report/types.js'
import { formatByteRate, formatCountRate } from '../units.js'

export interface Judgement {
  outcome: Verdict
  reason: string
}

/** Series as the reasons name them. */
export const LABEL: Record<SeriesName, string> = { heap: 'live heap', goroutines: 'goroutines', rss: 'RSS' }

export function formatRate(series: SeriesName, perSec: number): string {
  return series === 'goroutines' ? formatCountRate(perSec) : formatByteRate(perSec)
}

/** Judges one series' growth against its limit; null when the limit is off. */
export function judgeGrowth(
  series: SeriesName,
  t: Trend | null,
  limitPerSec: number | null
): Judgement | null {
  if (limitPerSec === null) return null
  const label = LABEL[series]
  const rate = (v: number) => formatRate(series, v)
  if (!t) return { outcome: 'inconclusive', reason: `${label}: too few samples to fit a trend` }
  const measured = `${label} grows ${rate(t.slopePerSec)} (95% CI ${rate(t.ciLow)} to ${rate(t.ciHigh)})`
  const limit = `limit ${rate(limitPerSec)}`
  return judgeAgainst(t.ciLow, t.ciHigh, t.lateSlopePerSec, limitPerSec, {
    fail: `${measured}, ${limit}`,
    slowed: `${measured}, above the ${limit}, but only ${rate(t.lateSlopePerSec)} in the second half: a warm-up or a plateau? Lengthen warmup`,
    straddles: `${measured}: the interval straddles the ${limit}; lengthen duration for a clear answer`,
    pass: `${label} ${rate(t.slopePerSec)}, within the ${limit}`
  })
}

/** The shared rule, for absolute limits and for the difference with a baseline. */
export function judgeAgainst(
  ciLow: number,
  ciHigh: number,
  lateEstimate: number,
  limit: number,
  reasons: { fail: string; slowed: string; straddles: string; pass: string }
): Judgement {
  if (ciLow > limit && lateEstimate > limit) return { outcome: 'fail', reason: reasons.fail }
  if (ciLow > limit) return { outcome: 'inconclusive', reason: reasons.slowed }
  if (ciHigh > limit) return { outcome: 'inconclusive', reason: reasons.straddles }
  return { outcome: 'pass', reason: reasons.pass }
}

/** Worst outcome wins; reasons list failures first. */
export function combine(judgements: (Judgement | null)[]): { verdict: Verdict; reasons: string[] } {
  const rank: Record<Verdict, number> = { fail: 2, inconclusive: 1, pass: 0 }
  const present = judgements.filter((j): j is Judgement => j !== null)
  const sorted = [...present].sort((a, b) => rank[b.outcome] - rank[a.outcome])
  const verdict = sorted[0]?.outcome ?? 'pass'
  return { verdict, reasons: sorted.map((j) => j.reason) }
}

/** Whether the verdict fails the check under `fail-on`. */
export function failsGate(verdict: Verdict, failOn: 'fail' | 'inconclusive' | 'never'): boolean {
  if (failOn === 'never') return false
  return verdict === 'fail' || (failOn === 'inconclusive' && verdict === 'inconclusive')
}
