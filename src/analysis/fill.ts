// A fill: memory that grows fast, then levels off (a cache over a bounded key space, a
// pool reaching its size). a + A(1 − e^(−(t − t₀)/τ)) + b(t − t₀) separates the fill
// (A, τ) from the growth that stays (b), and its residuals are the noise a straight line
// would confuse with curvature.
import type { Point } from './point.js'

export interface FillFit {
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

/** The fill at one τ, fitted to every block with its own a and A and a shared b. */
export interface FillAtTau {
  tauSec: number
  /** Per block: level at its first point and the fill's size. */
  a: number[]
  A: number[]
  b: number
  /** Σ w̃²: Var(b) = σ² / this, w̃ the time left after removing each block's a and fill. */
  timeSquares: number
  /** Sum of squared residuals. */
  squares: number
}

export const MIN_TAU_SEC = 1
/** A fill slower than 8 windows is a straight line within one: b and A can no longer be told apart. */
export const WIDEST_TAU_WINDOWS = 8
const TAU_GRID_STEPS = 40
/** Golden-section steps within the best grid cell: the cell shrinks to 1e-5 of its width. */
const REFINE_STEPS = 24

/**
 * Least squares of a + A(1 − e^(−(t − t₀)/τ)) + b(t − t₀): for each τ the model is linear
 * in a, A and b. τ is searched on a log grid from 1 s to half the window, then refined
 * between the best point's neighbours (a grid step of a few % leaves residuals larger than
 * quiesced noise on a fill of megabytes). Past half the window a fill is too close to a
 * straight line to tell τ apart. Null with fewer than 5 points or a window under 2 s.
 */
export function fitFill(points: Point[]): FillFit | null {
  const fit = bestFill(points, 0.5)
  if (!fit) return null
  const spanSec = points[points.length - 1].t - points[0].t
  return {
    plateau: fit.a[0] + fit.A[0],
    tauSec: fit.tauSec,
    remainingSlopePerSec: fit.b,
    stillToFill: fit.A[0] * Math.exp(-spanSec / fit.tauSec),
    residualSd: Math.sqrt(fit.squares / Math.max(points.length - 4, 1))
  }
}

/**
 * The residuals from the best fill with τ up to 8 windows, in time order; null where
 * `fitFill` is. The residuals only need the curve to follow the series: a τ that cannot
 * be told apart from a longer one still removes the bow.
 */
export function fillResiduals(points: Point[]): number[] | null {
  const fit = bestFill(points, WIDEST_TAU_WINDOWS)
  return fit ? fillResidualsAt([points], fit)[0] : null
}

/** τ from 1 s to `maxTauWindows` times the window's span. */
function bestFill(points: Point[], maxTauWindows: number): FillAtTau | null {
  const m = points.length
  if (m < 5) return null
  const maxTau = (points[m - 1].t - points[0].t) * maxTauWindows
  if (maxTau < 2 * MIN_TAU_SEC) return null
  const fitAt = (logTau: number) => fillAtTau([points], Math.exp(logTau))
  const grid = logGrid(MIN_TAU_SEC, maxTau, TAU_GRID_STEPS)
  let best: FillAtTau | null = null
  let bestStep = 0
  grid.forEach((tauSec, k) => {
    const fit = fillAtTau([points], tauSec)
    if (fit && (!best || fit.squares < best.squares)) [best, bestStep] = [fit, k]
  })
  if (!best) return null
  let refined: FillAtTau = best
  goldenSection(
    (logTau) => {
      const fit = fitAt(logTau)
      if (fit && fit.squares < refined.squares) refined = fit
      return fit ? fit.squares : Infinity
    },
    Math.log(grid[Math.max(bestStep - 1, 0)]),
    Math.log(grid[Math.min(bestStep + 1, grid.length - 1)])
  )
  return refined
}

/** `steps` values from `low` to `high`, evenly spaced on a log scale. */
export function logGrid(low: number, high: number, steps: number): number[] {
  const ratio = Math.pow(high / low, 1 / (steps - 1))
  return Array.from({ length: steps }, (_, k) => low * Math.pow(ratio, k))
}

/**
 * Least squares at a fixed τ, by Frisch–Waugh: within each block, time and value are
 * cleared of the block's level and fill, and b is the slope of what is left of value on
 * what is left of time. Sums only, over centred time and value (no cancellation on large
 * heaps): the τ searches call this some 60 times a window. Null when time is (nearly)
 * a combination of level and fill.
 */
export function fillAtTau(blocks: Point[][], tauSec: number): FillAtTau | null {
  const parts: BlockSums[] = []
  for (const points of blocks) {
    const sums = blockSums(points, tauSec)
    if (!sums) return null
    parts.push(sums)
  }
  const total = (f: (c: BlockSums) => number) => parts.reduce((s, c) => s + f(c), 0)
  const timeSquares = total((c) => c.ww - (c.xw * c.xw) / c.xx)
  if (!(timeSquares > 1e-9 * total((c) => c.ww))) return null
  const b = total((c) => c.wy - (c.xw * c.xy) / c.xx) / timeSquares
  const A = parts.map((c) => (c.xy - b * c.xw) / c.xx)
  const a = parts.map((c, j) => c.meanV - A[j] * c.meanX - b * c.meanW)
  const squares = total((c) => c.yy - (c.xy * c.xy) / c.xx) - b * b * timeSquares
  return { tauSec, a, A, b, timeSquares, squares: Math.max(squares, 0) }
}

/** The residuals of a fill, per block, in time order. */
export function fillResidualsAt(blocks: Point[][], fit: FillAtTau): number[][] {
  return blocks.map((points, j) => {
    const start = points[0].t
    return points.map((p) => {
      const elapsed = p.t - start
      return p.v - fit.a[j] - fit.A[j] * (1 - Math.exp(-elapsed / fit.tauSec)) - fit.b * elapsed
    })
  })
}

/** Centred sums of squares and products of fill x, elapsed time w and value y in one block. */
interface BlockSums {
  meanX: number
  meanW: number
  meanV: number
  xx: number
  xw: number
  xy: number
  ww: number
  wy: number
  yy: number
}

function blockSums(points: Point[], tauSec: number): BlockSums | null {
  const m = points.length
  const start = points[0].t
  const meanW = points.reduce((s, p) => s + p.t - start, 0) / m
  const meanV = points.reduce((s, p) => s + p.v, 0) / m
  const sums = { meanX: 0, meanW, meanV, xx: 0, xw: 0, xy: 0, ww: 0, wy: 0, yy: 0 }
  for (const p of points) {
    const x = 1 - Math.exp(-(p.t - start) / tauSec)
    const w = p.t - start - meanW
    const y = p.v - meanV
    sums.meanX += x
    sums.xx += x * x
    // w and y sum to 0, so these products need no correction for x's mean.
    sums.xw += x * w
    sums.xy += x * y
    sums.ww += w * w
    sums.wy += w * y
    sums.yy += y * y
  }
  sums.meanX /= m
  sums.xx -= m * sums.meanX * sums.meanX
  return sums.xx > 0 ? sums : null
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
