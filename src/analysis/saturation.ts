// Growth that is slowing down: a cache over a bounded key space or a pool still filling.
// Within one window such a ramp looks like a line, so the slope alone fails clean services;
// comparing the slopes of the two halves tells a fill from a leak, which keeps its pace.
import { slopeIntervalBlocks, Z_95, type SlopeInterval } from './interval.js'
import type { Point } from './trend.js'

/** One-sided 5 %: the first half must grow faster than the last by this many standard errors. */
export const SATURATION_Z = 1.645

/** saturating: slowing significantly; accelerating: speeding up significantly (a leak that starts late). */
export type GrowthShape = 'saturating' | 'accelerating' | 'steady'

export interface SaturationTest {
  /** (b_first − b_last) / √(SE_first² + SE_last²) */
  z: number
  shape: GrowthShape
  firstHalf: SlopeInterval
  lastHalf: SlopeInterval
}

/** Compares the slopes of the two halves of a window; null with fewer than 3 points a half. */
export function saturationTest(points: Point[], z = Z_95): SaturationTest | null {
  return saturationTestBlocks([points], z)
}

/**
 * Over repeats, each half pools the same half of every run. The halves do not share a
 * point, so their slopes are close to independent and their variances add.
 * `z` sets the bounds of the halves' intervals (their SE barely depends on it).
 */
export function saturationTestBlocks(blocks: Point[][], z = Z_95): SaturationTest | null {
  const firstHalf = slopeIntervalBlocks(
    blocks.map((b) => b.slice(0, b.length >> 1)),
    z
  )
  const lastHalf = slopeIntervalBlocks(
    blocks.map((b) => b.slice(b.length >> 1)),
    z
  )
  if (!firstHalf || !lastHalf) return null
  const difference = firstHalf.slopePerSec - lastHalf.slopePerSec
  const se = Math.hypot(firstHalf.se, lastHalf.se)
  // Noise-free halves have SE 0: any difference is then certain.
  const score = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity
  const shape: GrowthShape =
    score > SATURATION_Z ? 'saturating' : score < -SATURATION_Z ? 'accelerating' : 'steady'
  return { z: score, shape, firstHalf, lastHalf }
}

export interface SaturationFit {
  /**
   * The level the series settles at once the fill is done, net of any linear growth:
   * a + A in v(t) = a + A(1 − e^(−(t − t₀)/τ)) + b(t − t₀), t₀ the window's first point.
   * With b ≈ 0 this is where the series stops; otherwise it is where the line it
   * approaches, plateau + b(t − t₀), starts.
   */
  plateau: number
  tauSec: number
  /** b: the growth left once the fill is done. */
  remainingSlopePerSec: number
  /** A·e^(−(t_last − t₀)/τ): what the fill still adds after the window's last point. */
  stillToFill: number
  /** Standard deviation of the residuals, on m − 4 degrees of freedom (a, A, b and τ). */
  residualSd: number
}

const TAU_GRID_STEPS = 40
const MIN_TAU_SEC = 1
/** Golden-section steps within the best grid cell: the cell shrinks to 1e-5 of its width. */
const REFINE_STEPS = 24

/**
 * Least squares of a + A(1 − e^(−(t − t₀)/τ)) + b(t − t₀): for each τ the model is linear
 * in a, A and b. τ is searched on a log grid from 1 s to half the window, then refined
 * between the best point's neighbours (a grid step of a few % leaves residuals larger than
 * quiesced noise on a fill of megabytes). Past half the window a fill is too close to a
 * straight line to tell τ apart. Null with fewer than 5 points or a window under 2 s.
 */
export function fitSaturation(points: Point[]): SaturationFit | null {
  const m = points.length
  if (m < 5) return null
  const start = points[0].t
  const spanSec = points[m - 1].t - start
  const maxTau = spanSec / 2
  if (maxTau < MIN_TAU_SEC) return null
  const elapsed = points.map((p) => p.t - start)
  const values = points.map((p) => p.v)
  const fitAt = (logTau: number): Fit | null => {
    const tauSec = Math.exp(logTau)
    const fit = linearFit(
      elapsed.map((w) => 1 - Math.exp(-w / tauSec)),
      elapsed,
      values
    )
    return fit ? { tauSec, ...fit } : null
  }
  const lowest = Math.log(MIN_TAU_SEC)
  const logStep = Math.log(maxTau / MIN_TAU_SEC) / (TAU_GRID_STEPS - 1)
  let best: Fit | null = null
  let bestStep = 0
  for (let k = 0; k < TAU_GRID_STEPS; k++) {
    const fit = fitAt(lowest + k * logStep)
    if (fit && (!best || fit.squares < best.squares)) [best, bestStep] = [fit, k]
  }
  if (!best) return null
  let refined: Fit = best
  goldenSection(
    (logTau) => {
      const fit = fitAt(logTau)
      if (fit && fit.squares < refined.squares) refined = fit
      return fit ? fit.squares : Infinity
    },
    lowest + Math.max(bestStep - 1, 0) * logStep,
    lowest + Math.min(bestStep + 1, TAU_GRID_STEPS - 1) * logStep
  )
  return {
    plateau: refined.a + refined.A,
    tauSec: refined.tauSec,
    remainingSlopePerSec: refined.b,
    stillToFill: refined.A * Math.exp(-spanSec / refined.tauSec),
    residualSd: Math.sqrt(refined.squares / Math.max(m - 4, 1))
  }
}

interface Fit {
  tauSec: number
  a: number
  A: number
  b: number
  squares: number
}

/** Narrows [low, high] around a minimum of f; f records the best point it sees. */
function goldenSection(f: (x: number) => number, low: number, high: number): void {
  const ratio = (Math.sqrt(5) - 1) / 2
  let x1 = high - ratio * (high - low)
  let x2 = low + ratio * (high - low)
  let f1 = f(x1)
  let f2 = f(x2)
  for (let step = 0; step < REFINE_STEPS; step++) {
    if (f1 <= f2) {
      high = x2
      x2 = x1
      f2 = f1
      x1 = high - ratio * (high - low)
      f1 = f(x1)
    } else {
      low = x1
      x1 = x2
      f1 = f2
      x2 = low + ratio * (high - low)
      f2 = f(x2)
    }
  }
}

/** y = a + A·x + b·w by least squares, solved on centred columns; null when x and w are collinear. */
function linearFit(x: number[], w: number[], y: number[]): Omit<Fit, 'tauSec'> | null {
  const m = y.length
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / m
  const [mx, mw, my] = [mean(x), mean(w), mean(y)]
  let sxx = 0
  let sww = 0
  let sxw = 0
  let sxy = 0
  let swy = 0
  for (let i = 0; i < m; i++) {
    const [dx, dw, dy] = [x[i] - mx, w[i] - mw, y[i] - my]
    sxx += dx * dx
    sww += dw * dw
    sxw += dx * dw
    sxy += dx * dy
    swy += dw * dy
  }
  const det = sxx * sww - sxw * sxw
  if (!(det > 1e-12 * sxx * sww)) return null
  const A = (sxy * sww - swy * sxw) / det
  const b = (swy * sxx - sxy * sxw) / det
  const a = my - A * mx - b * mw
  let squares = 0
  for (let i = 0; i < m; i++) squares += (y[i] - a - A * x[i] - b * w[i]) ** 2
  return { a, A, b, squares }
}
