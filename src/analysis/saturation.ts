// Growth that is slowing down: a cache over a bounded key space or a pool still filling.
// Within one window such a ramp looks like a line, so the slope alone fails clean services;
// comparing the slopes of the two halves tells a fill from a leak, which keeps its pace.
import {
  fillAtTau,
  fillResidualsAt,
  logGrid,
  MIN_TAU_SEC,
  WIDEST_TAU_WINDOWS,
  type FillAtTau
} from './fill.js'
import {
  binFactorFor,
  correctedRho,
  FILL_PARAMETERS,
  lag1,
  rhoAroundFill,
  slopeIntervalBlocks,
  varianceInflation,
  Z_95,
  type SlopeInterval
} from './interval.js'
import type { Point } from './point.js'

/** One-sided 5 %: the first half must grow faster than the last by this many standard errors. */
export const SATURATION_Z = 1.645

/**
 * A fill slows by e^(−w/2τ) from one half of a w-second window to the next: to 0.61 for
 * τ = 30 s over 30 s. A last half that grows less than this share of the first is taken as
 * a fill however noisy the halves: on real services the test on the halves often lacks the
 * power to see it (a map that doubles fills in steps, and the residuals of a curve look
 * correlated), and a cache still filling must never fail. A leak slowed by a fill beside
 * it is still caught: what stays once the fill is done must clear the limit.
 */
const SLOWDOWN_RATIO = 0.75

/** saturating: slowing significantly; accelerating: speeding up significantly (a leak that starts late). */
type GrowthShape = 'saturating' | 'accelerating' | 'steady'

/** The slopes one look judges: the whole window and its halves, at one z. */
export interface WindowSlopes {
  whole: SlopeInterval
  firstHalf: SlopeInterval
  lastHalf: SlopeInterval
  /** (b_first − b_last) / √(SE_first² + SE_last²); saturating also when b_last < SLOWDOWN_RATIO · b_first. */
  z: number
  shape: GrowthShape
  /**
   * Lower bound, at the same z, of the growth that stays once a fill is done (b of
   * a + A(1 − e^(−t/τ)) + b·t) over every τ the data allow: a leak under a filling cache
   * slows too, and this keeps it from being excused. Computed only for saturating growth,
   * the one case it decides; null otherwise or when the window is too short.
   */
  remainingLowPerSec: number | null
  /** The upper bound of the same: below the limit, the fill levels off within it. */
  remainingHighPerSec: number | null
}

/** The whole window's slope and the saturation test on its halves; null with fewer than 3 points a half. */
export function windowSlopes(points: Point[], z = Z_95): WindowSlopes | null {
  return windowSlopesBlocks([points], z)
}

/**
 * Over repeats, each half pools the same half of every run. The halves do not share a
 * point, so their slopes are close to independent and their variances add. The halves
 * take the whole window's residual correlation (see SharedNoise).
 */
export function windowSlopesBlocks(blocks: Point[][], z = Z_95): WindowSlopes | null {
  const first = halves(blocks, z, null)
  if (!first) return null
  const { whole, firstHalf, lastHalf } = first
  const difference = firstHalf.slopePerSec - lastHalf.slopePerSec
  const se = Math.hypot(firstHalf.se, lastHalf.se)
  // Noise-free halves have SE 0: any difference is then certain.
  const score = se > 0 ? difference / se : difference === 0 ? 0 : Math.sign(difference) * Infinity
  const slowing = firstHalf.slopePerSec > 0 && lastHalf.slopePerSec < SLOWDOWN_RATIO * firstHalf.slopePerSec
  const shape: GrowthShape =
    score > SATURATION_Z || slowing ? 'saturating' : score < -SATURATION_Z ? 'accelerating' : 'steady'
  const remaining = shape === 'saturating' ? remainingGrowthBounds(blocks, z) : null
  // A fill's bow is not noise: once the growth is known to slow, its bounds are read with the
  // correlation of the residuals around the fill, when that is the lower.
  const rho = shape === 'saturating' ? rhoAroundFill(blocks) : null
  const read = rho !== null && rho < whole.rho ? (halves(blocks, z, rho) ?? first) : first
  return {
    ...read,
    z: score,
    shape,
    remainingLowPerSec: remaining?.low ?? null,
    remainingHighPerSec: remaining?.high ?? null
  }
}

/** The whole window and its halves, at `z`, with the whole window's residual correlation or `rho`. */
function halves(
  blocks: Point[][],
  z: number,
  rho: number | null
): Pick<WindowSlopes, 'whole' | 'firstHalf' | 'lastHalf'> | null {
  const n = blocks.reduce((sum, b) => sum + b.length, 0)
  const whole = slopeIntervalBlocks(blocks, z, rho === null ? undefined : { rho, binFactor: binFactorFor(n) })
  if (!whole) return null
  const shared = { rho: whole.rho, binFactor: binFactorFor(whole.n) }
  const half = (part: (b: Point[]) => Point[]) => slopeIntervalBlocks(blocks.map(part), z, shared)
  const firstHalf = half((b) => b.slice(0, b.length >> 1))
  const lastHalf = half((b) => b.slice(b.length >> 1))
  return firstHalf && lastHalf ? { whole, firstHalf, lastHalf } : null
}

const REMAINING_TAU_STEPS = 48

/**
 * Profile bounds of b, the growth that stays once a fill is done: every τ whose fit is
 * within z² · VIF · σ² of the best (the profile likelihood region, widened for correlated
 * residuals) is plausible, and the bounds are the least of b − z · SE(b) and the most of
 * b + z · SE(b) over them. A slow fill that could explain the growth brings a τ with b near
 * 0 into the region, so a clean cache is not failed on a guessed τ; and a τ slow enough to
 * pass for a line trades b against the fill, which widens the upper bound, so a leak is not
 * passed as a fill unless the curve is plain.
 */
export function remainingGrowthBounds(blocks: Point[][], z: number): { low: number; high: number } | null {
  const n = blocks.reduce((s, b) => s + b.length, 0)
  const freedom = n - (2 * blocks.length + 2)
  const spanSec = Math.max(...blocks.map((b) => (b.length ? b[b.length - 1].t - b[0].t : 0)))
  if (freedom < 2 || blocks.some((b) => b.length < 5) || spanSec <= MIN_TAU_SEC) return null
  const fits = logGrid(MIN_TAU_SEC, WIDEST_TAU_WINDOWS * spanSec, REMAINING_TAU_STEPS)
    .map((tauSec) => fillAtTau(blocks, tauSec))
    .filter((f) => f !== null)
  if (fits.length === 0) return null
  const best = fits.reduce((a, b) => (b.squares < a.squares ? b : a))
  const variance = best.squares / freedom
  const meanLength = n / blocks.length
  const vif = varianceInflation(
    correctedRho(lag1(fillResidualsAt(blocks, best)), meanLength, FILL_PARAMETERS),
    meanLength
  )
  const allowed = best.squares + z * z * vif * variance
  const plausible = fits.filter((f) => f.squares <= allowed)
  const margin = (f: FillAtTau) => z * Math.sqrt((vif * variance) / f.timeSquares)
  return {
    low: Math.min(...plausible.map((f) => f.b - margin(f))),
    high: Math.max(...plausible.map((f) => f.b + margin(f)))
  }
}
