// Theil–Sen slope with an interval that holds when residuals are serially correlated.
// Heap readings a second apart share retained garbage and cache state, so residuals are
// AR(1)-like; Sen's interval assumes independence and then covers far less than it claims
// (77 % for a nominal 95 % at φ = 0.5, n = 31). Inflating the variance of Kendall's S by the
// AR(1) factor of Hamed & Rao (1998) restores coverage and costs nothing on independent noise.
import { fillResiduals } from './fill.js'
import type { Point } from './point.js'

/** Two-sided 95 %. */
export const Z_95 = 1.959963984540054

/** Above this many points the series is binned first (see `binned`). */
export const MAX_PAIRED_POINTS = 400

/** How many consecutive points each bin averages for n points in all. */
export const binFactorFor = (n: number) => Math.ceil(n / MAX_PAIRED_POINTS)

/**
 * The noise of a longer window, for an interval over part of it: residual correlation is
 * a property of the service, better estimated on all the window's points than on half
 * of them, and a half's residuals can bend where the whole window's fill explains them.
 */
export interface SharedNoise {
  /** Corrected lag-1 correlation, at the binning below. */
  rho: number
  binFactor: number
}

/** Lag-1 correlation is capped below 1: at 1 the variance factor is unbounded. */
const MAX_RHO = 0.97

/**
 * A fill curve "explains" the curvature when it leaves less than this share of the line's
 * squared residuals. In simulation, AR(1) noise around a line falls below it in under 2 %
 * of 31-point series for φ ≤ 0.9 (5 % at φ = 0.97, 4–9 % at 12–16 points for φ ≥ 0.8):
 * then the correlation is read around the fill and comes out lower. Fills of a few MiB
 * under quiesced noise leave under 5 % over 31 points.
 */
const FILL_SHARE = 0.25
/** Below 12 points a 4-parameter fill follows AR(1) noise too often (5–10 % at φ ≥ 0.5). */
const MIN_FILL_POINTS = 12

/** Parameters fitted before the residuals: a line has 2; a fill has a, A, b and τ. */
const LINE_PARAMETERS = 2
export const FILL_PARAMETERS = 4

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
export function slopeIntervalBlocks(blocks: Point[][], z = Z_95, shared?: SharedNoise): SlopeInterval | null {
  const n = blocks.reduce((sum, b) => sum + b.length, 0)
  if (n < 3) return null
  const factor = shared?.binFactor ?? binFactorFor(n)
  const used = factor > 1 ? blocks.map((b) => binned(b, factor)) : blocks
  const slopes = pairwiseSlopes(used)
  if (slopes.length === 0) return null
  slopes.sort()
  const slopePerSec = median(slopes)

  const paired = used.filter((b) => b.length >= 2)
  const meanLength = paired.reduce((sum, b) => sum + b.length, 0) / paired.length
  const rho = shared?.rho ?? estimatedRho(paired, slopePerSec, meanLength)
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
 * Fitting k parameters biases the lag-1 correlation of residuals down: for a line (k = 2)
 * E[ρ̂] ≈ ρ(1 − 6/m) − 2/m (the mean-only bias of Marriott & Pope 1954 is (1 + 4ρ)/m; each
 * parameter adds about 1/m + 2ρ/m), checked by simulation to within 0.05 from m = 10 on.
 * Solving for ρ gives the correction. For a fill, counting τ as a full parameter (k = 4)
 * over-corrects a little up to φ = 0.8 (in simulation), which errs wide. The factor
 * 1/(1 − (2k + 2)/m) grows without bound as m falls, so m is held where it reaches 4
 * (8 points for a line); the clip keeps the result in range.
 */
export function correctedRho(rhoHat: number, m: number, fittedParameters = LINE_PARAMETERS): number {
  const shrink = 2 * fittedParameters + 2
  const length = Math.max(m, (4 / 3) * shrink)
  const rho = (rhoHat + fittedParameters / length) / (1 - shrink / length)
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

/**
 * Corrected lag-1 correlation of the residuals, pooled over blocks, each centred on its own
 * mean. The residuals are those from the slope, or from a fill where one explains the curvature:
 * around a line, a cache filling under quiet noise leaves a smooth bow whose lag-1
 * correlation is near 1, and the interval would widen for curvature, not for noise.
 */
function estimatedRho(blocks: Point[][], slopePerSec: number, meanLength: number): number {
  const line = blocks.map((points) => points.map((p) => p.v - slopePerSec * p.t))
  const fill = fillResidualBlocks(blocks)
  if (fill && squares(fill) < FILL_SHARE * squares(line)) {
    return correctedRho(lag1(fill), meanLength, FILL_PARAMETERS)
  }
  return correctedRho(lag1(line), meanLength, LINE_PARAMETERS)
}

function fillResidualBlocks(blocks: Point[][]): number[][] | null {
  const fill = blocks.map((points) => (points.length >= MIN_FILL_POINTS ? fillResiduals(points) : null))
  return fill.every((r) => r !== null) ? fill : null
}

/**
 * The residual correlation around a fill, for growth already known to slow down: there the
 * bow a straight line leaves is the fill's, not noise, whatever share of it the fill explains
 * (a map that doubles fills in steps a smooth curve does not follow). Null when no fill fits.
 */
export function rhoAroundFill(blocks: Point[][]): number | null {
  const fill = fillResidualBlocks(blocks)
  if (!fill) return null
  const meanLength = blocks.reduce((sum, b) => sum + b.length, 0) / blocks.length
  return correctedRho(lag1(fill), meanLength, FILL_PARAMETERS)
}

function centred(r: number[]): number[] {
  const mean = r.reduce((a, b) => a + b, 0) / r.length
  return r.map((x) => x - mean)
}

function squares(blocks: number[][]): number {
  return blocks.reduce((sum, r) => sum + centred(r).reduce((s, x) => s + x * x, 0), 0)
}

/** Lag-1 correlation pooled over blocks of residuals, each centred on its own mean. */
export function lag1(blocks: number[][]): number {
  let lagged = 0
  let total = 0
  for (const r of blocks.map(centred)) {
    for (let i = 0; i < r.length; i++) {
      total += r[i] * r[i]
      if (i + 1 < r.length) lagged += r[i] * r[i + 1]
    }
  }
  return total > 0 ? lagged / total : 0
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
