// Whether growth has levelled off by now: a fail decided at one look stands only when the
// growth has not stopped by the next. A bounded cache with a new key per request (an LRU
// at capacity, a ring of the last N records) grows in a straight line and then stops dead;
// no test on curvature sees the corner coming, only readings past it can.
import { slopeIntervalBlocks } from './interval.js'
import type { Point } from './point.js'
import { findSteps } from './steps.js'

/** The shortest flat run that counts: ten 1 s readings. */
const MIN_FLAT_SEC = 10

/**
 * Whether some run of readings at the end of the window, starting after `sinceSec` and at
 * least MIN_FLAT_SEC long, grows below the limit with confidence (its upper bound at `z`);
 * a run that is the gap before a container's next reallocation step does not count.
 */
export function levelledOff(
  points: Point[],
  sinceSec: number,
  limitPerSec: number,
  z: number,
  loadSinceSec?: number
): boolean {
  const steps = findSteps(points, loadSinceSec)
  if (steps?.nextStepDue) return false
  const recent = points.filter((p) => p.t > sinceSec)
  const endSec = points.at(-1)?.t ?? 0
  for (let start = 0; start < recent.length; start++) {
    if (endSec - recent[start].t < MIN_FLAT_SEC) break
    const tail = slopeIntervalBlocks([recent.slice(start)], z)
    if (tail && tail.high < limitPerSec) return true
  }
  return false
}

/** Whether the readings after `sinceSec` grow above the limit by themselves, at `z`. */
export function growsAboveSince(points: Point[], sinceSec: number, limitPerSec: number, z: number): boolean {
  const recent = slopeIntervalBlocks([points.filter((p) => p.t > sinceSec)], z)
  return recent !== null && recent.low > limitPerSec
}

/**
 * Whether every reading since `sinceSec` (the look before) together grows below the limit
 * with confidence, read with their own residual correlation: the flat part of a hockey
 * stick, whose corner keeps the whole window's residuals correlated and its last half's
 * interval wide. The gap before a container's next reallocation step does not count.
 */
export function flatSince(
  points: Point[],
  sinceSec: number,
  limitPerSec: number,
  z: number,
  loadSinceSec?: number
): boolean {
  if (findSteps(points, loadSinceSec)?.nextStepDue) return false
  const recent = slopeIntervalBlocks([points.filter((p) => p.t > sinceSec)], z)
  return recent !== null && recent.high < limitPerSec
}
