// The sequential design: sampling goes on past `duration` while the answer is unclear,
// with a look at duration, 2×, 3×… up to max-duration. Each look may pass or fail, so
// each spends part of the error budget: Bonferroni splits α = 0.025 per side evenly
// (over four looks z = 2.50 for both; 2.39 is α/3, the split when the first look may
// not fail, which would keep clear leaks from stopping at the first look).
import { normalQuantile } from './normal.js'
import type { LookDecision, Trend } from '../model.js'

/** One-sided risk per side over the whole run: failing a service within its limit, passing one above it. */
const ALPHA_PER_SIDE = 0.025

/** Seconds of sampling at each look: duration, 2×, 3×… and max-duration itself when it is not a multiple. */
export function lookTimesSec(durationSec: number, maxDurationSec: number): number[] {
  if (!(durationSec > 0)) throw new RangeError(`duration must be above 0 s, got ${durationSec}`)
  const looks: number[] = []
  for (let k = 1; k * durationSec <= maxDurationSec; k++) looks.push(k * durationSec)
  if (looks.length === 0 || looks[looks.length - 1] < maxDurationSec)
    looks.push(Math.max(maxDurationSec, durationSec))
  return looks
}

/** The z each look's intervals are read at when `lookCount` looks share the budget. */
export function lookZ(lookCount: number, alphaPerSide = ALPHA_PER_SIDE): number {
  return normalQuantile(1 - alphaPerSide / lookCount)
}

/** What a look reads of a trend (analysis/trend.ts), its bounds at the look's z. */
export type LookTrend = Pick<
  Trend,
  | 'ciLow'
  | 'ciHigh'
  | 'lateSlopePerSec'
  | 'lateCiHigh'
  | 'shape'
  | 'remainingLowPerSec'
  | 'remainingHighPerSec'
  | 'steps'
>

export interface LookEvidence {
  trend: LookTrend
  limitPerSec: number
  /** At max-duration: no more looks, so what is not decided is inconclusive. */
  lastLook: boolean
}

/**
 * One look. Passing on the last half too lets a fill that has levelled off pass; it adds
 * at most α to the risk of passing a leak, as both bounds sit at the look's z. Accelerating
 * growth is never excused; saturating growth is, unless the growth that stays after the
 * fill is above the limit with confidence (a leak under a filling cache). A last half that
 * is flat only until a container's next reallocation step passes nothing: the staircase
 * fails on its rise read from its flat ends.
 */
export function decideLook(e: LookEvidence): LookDecision {
  const { limitPerSec: limit } = e
  const {
    ciLow,
    ciHigh,
    lateSlopePerSec,
    lateCiHigh,
    shape,
    remainingLowPerSec,
    remainingHighPerSec,
    steps
  } = e.trend
  const stepDue = steps?.nextStepDue === true
  if (ciHigh < limit) return { outcome: 'pass', rule: 'upper-below-limit' }
  if (!stepDue && lateCiHigh !== null && lateCiHigh < limit)
    return { outcome: 'pass', rule: 'late-upper-below-limit' }
  if (shape === 'saturating' && remainingHighPerSec !== null && remainingHighPerSec < limit)
    return { outcome: 'pass', rule: 'levels-off-below-limit' }
  const above = ciLow > limit
  const excused = shape === 'saturating' && !(remainingLowPerSec !== null && remainingLowPerSec > limit)
  if (above && lateSlopePerSec > limit && !excused) {
    return { outcome: 'fail', rule: 'above-limit' }
  }
  const stepsAbove = steps?.staircase === true && (steps.riseLowPerSec ?? -Infinity) > limit
  if (stepDue && (above || stepsAbove)) return { outcome: 'fail', rule: 'grows-in-steps' }
  const outcome = e.lastLook ? 'inconclusive' : 'continue'
  if (above) return { outcome, rule: shape === 'saturating' ? 'saturating' : 'late-slope-below-limit' }
  return { outcome, rule: ciHigh - ciLow > 2 * limit ? 'too-noisy' : 'straddles' }
}
