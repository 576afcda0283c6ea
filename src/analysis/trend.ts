// The growth of one series over a window, as the verdict judges it: the whole window's
// slope and each half's, with intervals that allow for correlated noise, read at the z the
// sequential looks give (looks.ts), and, for growth that slows, where the fill is heading.
import type { Trend } from '../model.js'
import { fitFill } from './fill.js'
import { Z_95 } from './interval.js'
import { twoSidedConfidence } from './normal.js'
import type { Point } from './point.js'
import { windowSlopesBlocks } from './saturation.js'
import { findSteps, stepRiseLowPerSec } from './steps.js'

/** The trend of a series at `z`; null with fewer than 3 points a half. */
export function trend(points: Point[], z = Z_95, loadSinceSec?: number): Trend | null {
  return trendBlocks([points], z, loadSinceSec)
}

/** Pooled over repeats (pairs within a repeat only); the fill is fitted to the first repeat. */
export function trendBlocks(blocks: Point[][], z = Z_95, loadSinceSec?: number): Trend | null {
  const w = windowSlopesBlocks(blocks, z)
  if (!w) return null
  const steps = findSteps(blocks[0], loadSinceSec)
  // Slowing down that is only the flat run before a container's next reallocation step is
  // no fill: the next step will exceed any plateau fitted to it.
  const shape = steps?.nextStepDue && w.shape === 'saturating' ? 'steady' : w.shape
  const fill = shape === 'saturating' ? fitFill(blocks[0]) : null
  return {
    slopePerSec: w.whole.slopePerSec,
    ciLow: w.whole.low,
    ciHigh: w.whole.high,
    earlySlopePerSec: w.firstHalf.slopePerSec,
    lateSlopePerSec: w.lastHalf.slopePerSec,
    lateCiLow: w.lastHalf.low,
    lateCiHigh: w.lastHalf.high,
    sePerSec: w.whole.se,
    rho: w.whole.rho,
    vif: w.whole.vif,
    shape,
    saturationZ: w.z,
    remainingLowPerSec: shape === 'saturating' ? w.remainingLowPerSec : null,
    remainingHighPerSec: shape === 'saturating' ? w.remainingHighPerSec : null,
    ...(fill
      ? {
          fill: {
            plateau: fill.plateau,
            tauSec: fill.tauSec,
            remainingSlopePerSec: fill.remainingSlopePerSec
          }
        }
      : {}),
    ...(steps
      ? {
          steps: {
            count: steps.count,
            staircase: steps.staircase,
            nextStepDue: steps.nextStepDue,
            riseLowPerSec: stepRiseLowPerSec(blocks[0], z, loadSinceSec)
          }
        }
      : {}),
    z,
    confidence: twoSidedConfidence(z),
    method: 'theil-sen-ar1',
    n: w.whole.n
  }
}
