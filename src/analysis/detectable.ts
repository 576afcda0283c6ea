// The smallest leak a run could catch: a pass says little unless the report says how
// large a leak would have failed. A leak of slope s fails when its lower bound,
// about s − z·SE, clears the limit; that happens with probability `power` once
// s ≥ limit + (z + Φ⁻¹(power))·SE. That treats SE as known; with correlated noise it varies
// from run to run with the estimated correlation, and the power at this size is lower
// (simulated, 61 samples: 81 % independent, 74 % at φ = 0.5, 64 % at φ = 0.8).
import type { DetectableLeak } from '../model.js'
import { normalQuantile } from './normal.js'

/** Chance of failing a leak of exactly the detectable size. */
export const POWER = 0.8

/**
 * `se` is the whole window's standard error at the look the run stopped, `zFail` the z its
 * fail bound was read at, `requestsPerSec` the rate the load achieved.
 */
export function detectableLeak(
  se: number,
  limitPerSec: number,
  zFail: number,
  requestsPerSec: number | null,
  power = POWER
): DetectableLeak {
  const perSec = limitPerSec + (zFail + normalQuantile(power)) * se
  const perRequest = (perSecond: number) =>
    requestsPerSec && requestsPerSec > 0 ? perSecond / requestsPerSec : null
  return {
    perSec,
    perMin: perSec * 60,
    perRequest: perRequest(perSec),
    limitPerRequest: perRequest(limitPerSec)
  }
}
