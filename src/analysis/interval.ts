// Theil–Sen slope with an interval that holds when residuals are serially correlated.
// Heap readings a second apart share retained garbage and cache state, so residuals are
// AR(1)-like; Sen's interval assumes independence and then covers far less than it claims
// (77 % for a nominal 95 % at φ = 0.5, n = 31). Inflating the variance of Kendall's S by the
// AR(1) factor of Hamed & Rao (1998) restores coverage and costs nothing on independent noise.
import type { Point } from './trend.js'

/** Two-sided 95 %. */
export const Z_95 = 1.959963984540054

/** Above this many points the series is binned first (see `binned`). */
export const MAX_PAIRED_POINTS = 400

/** Lag-1 correlation is capped below 1: at 1 the variance factor is unbounded. */
const MAX_RHO = 0.97

export interface SlopeInterval {
  slopePerSec: number
  /** Bounds of the two-sided interval at the z it was asked for. */
  low: number
  high: number
  /** (high − low) / (2z): the standard error the interval implies. */
  se: number
  /** Bias-corrected lag-1 correlation of the residuals, in [0, MAX_RHO]. */
  rho: number
  /** Factor by which serial correlation inflates the variance of Kendall's S. */
  vif: number
  /** Points given (before any binning). */
  n: number
}

/** The slope of one series and its interval at `z`; null with fewer than 3 points. */
export function slopeInterval(points: Point[], z = Z_95): SlopeInterval | null {
  return slopeIntervalBlocks([points], z)
}

/**
 * Pooled over runs measured apart (repeats): pairs only within a run, since each restart has
 * its own intercept, and Kendall's S summed over runs, so its variance is the sum of theirs
 * (Hirsch, Slack & Smith 1982). The residual correlation is pooled over runs: they share
 * the service and the load, and one estimate from all residuals is steadier than several.
 */
export function slopeIntervalBlocks(blocks: Point[][], z = Z_95): SlopeInterval | null {
  const n = blocks.reduce((sum, b) => sum + b.length, 0)
  if (n < 3) return null
  const factor = Math.ceil(n / MAX_PAIRED_POINTS)
  const used = factor > 1 ? blocks.map((b) => binned(b, factor)) : blocks
  const slopes = pairwiseSlopes(used)
  if (slopes.length === 0) return null
  slopes.sort()
  const slopePerSec = median(slopes)

  const paired = used.filter((b) => b.length >= 3)
  const meanLength = paired.reduce((sum, b) => sum + b.length, 0) / paired.length
  const rho = correctedRho(residualRho(paired, slopePerSec), meanLength)
  let varianceS = 0
  let independentVarianceS = 0
  for (const { length: m } of paired) {
    const plain = (m * (m - 1) * (2 * m + 5)) / 18
    independentVarianceS += plain
    varianceS += plain * varianceInflation(rho, m)
  }

  // Sen (1968): the bounds are read off the ordered pairwise slopes at ranks set by the
  // standard deviation of S (no ties in time: samples are taken at distinct instants).
  const count = slopes.length
  const sigma = Math.sqrt(varianceS)
  const upper = Math.min(Math.round((count + z * sigma) / 2), count - 1)
  const lower = Math.max(Math.round((count - z * sigma) / 2) - 1, 0)
  const low = slopes[lower]
  const high = slopes[upper]
  return {
    slopePerSec,
    low,
    high,
    se: (high - low) / (2 * z),
    rho,
    vif: varianceS / independentVarianceS,
    n
  }
}

/**
 * Removing a fitted line biases the lag-1 correlation of residuals down, by about 2/m
 * plus 6ρ/m (the mean-only bias of Marriott & Pope 1954 is (1 + 4ρ)/m; the slope adds
 * one more parameter), so E[ρ̂] ≈ ρ(1 − 6/m) − 2/m (checked by simulation to within 0.05
 * from m = 10 on) and solving for ρ gives the correction. The factor 1/(1 − 6/m) grows
 * without bound as m falls to 6, so it is held at its value for m = 8 (×4); the clip keeps
 * the factor bounded, and the over-correction it allows on short windows errs wide.
 */
export function correctedRho(rhoHat: number, m: number): number {
  const length = Math.max(m, 8)
  const rho = (rhoHat + 2 / length) / (1 - 6 / length)
  return Math.min(Math.max(rho, 0), MAX_RHO)
}

/**
 * Hamed & Rao (1998) for AR(1): Var(S) = Var₀(S) · (1 + 2/(m(m−1)(m−2)) Σ (m−k)(m−k−1)(m−k−2) ρᵏ).
 * The terms fall geometrically, so the sum stops once they no longer change it.
 */
export function varianceInflation(rho: number, m: number): number {
  if (m < 3 || rho <= 0) return 1
  let sum = 0
  let power = 1
  for (let k = 1; k <= m - 3; k++) {
    power *= rho
    const term = (m - k) * (m - k - 1) * (m - k - 2) * power
    sum += term
    if (term < sum * 1e-12) break
  }
  return 1 + (2 / (m * (m - 1) * (m - 2))) * sum
}

/** Lag-1 correlation of the residuals from the slope, each block centred on its own mean. */
function residualRho(blocks: Point[][], slopePerSec: number): number {
  let lagged = 0
  let squares = 0
  for (const points of blocks) {
    const r = points.map((p) => p.v - slopePerSec * p.t)
    const mean = r.reduce((a, b) => a + b, 0) / r.length
    for (let i = 0; i < r.length; i++) {
      const ri = r[i] - mean
      squares += ri * ri
      if (i + 1 < r.length) lagged += ri * (r[i + 1] - mean)
    }
  }
  return squares > 0 ? lagged / squares : 0
}

/**
 * Theil–Sen needs every pair: 6,000 points are 18 M slopes, seconds of sorting. Means of
 * `factor` consecutive points lie on the same line (a line's mean is its value at the mean
 * time), so the slope is unchanged; the noise of each mean shrinks as the number of points
 * falls, so the interval loses little, and whatever correlation is left between means is
 * measured by ρ̂ on the binned series like any other.
 */
function binned(points: Point[], factor: number): Point[] {
  const out: Point[] = []
  for (let start = 0; start < points.length; start += factor) {
    const group = points.slice(start, start + factor)
    out.push({
      t: group.reduce((sum, p) => sum + p.t, 0) / group.length,
      v: group.reduce((sum, p) => sum + p.v, 0) / group.length
    })
  }
  return out
}

function pairwiseSlopes(blocks: Point[][]): Float64Array {
  const capacity = blocks.reduce((sum, b) => sum + (b.length * (b.length - 1)) / 2, 0)
  const slopes = new Float64Array(capacity)
  let count = 0
  for (const points of blocks) {
    for (let i = 0; i < points.length; i++) {
      for (let j = i + 1; j < points.length; j++) {
        const dt = points[j].t - points[i].t
        if (dt !== 0) slopes[count++] = (points[j].v - points[i].v) / dt
      }
    }
  }
  return slopes.subarray(0, count)
}

function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
