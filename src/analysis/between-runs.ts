// How much two runs of the same code differ in slope beyond what each run's own interval
// explains: warm-up ends differently, the achieved rate and the machine vary. A random-
// effects model: run i measures slope μ + uᵢ + eᵢ, with eᵢ the within-run error (its
// standard error, known) and uᵢ ~ N(0, τ²) the run's own offset, τ the run-to-run spread.
import type { PairSpread } from '../model.js'
import { normalQuantile } from './normal.js'

export interface SlopeEstimate {
  slopePerSec: number
  sePerSec: number
}

/** Keeps a run whose series never moved (standard error 0) from weighing infinitely. */
const MIN_VARIANCE = 1e-12

/**
 * Where the runs of a group are centred: their own weighted mean (a side's repeats), or a
 * known true mean (A/A differences, whose true mean is 0: a steady difference between the
 * first and the second run of a pair is spread the gate must count, not a mean to remove).
 */
export type Centre = 'own-mean' | { knownMean: number }

interface GroupSums {
  /** Cochran's Q about the group's centre. */
  q: number
  df: number
  /** Σw − Σw²/Σw about the own mean, Σw about a known one: the DerSimonian–Laird scale. */
  c: number
}

function groupSums(runs: SlopeEstimate[], tau2: number, centre: Centre): GroupSums {
  const w = runs.map((r) => 1 / (r.sePerSec ** 2 + MIN_VARIANCE + tau2))
  const sw = w.reduce((a, b) => a + b, 0)
  const known = centre !== 'own-mean'
  const mean = known ? centre.knownMean : runs.reduce((a, r, i) => a + w[i] * r.slopePerSec, 0) / sw
  return {
    q: runs.reduce((a, r, i) => a + w[i] * (r.slopePerSec - mean) ** 2, 0),
    df: known ? runs.length : runs.length - 1,
    c: known ? sw : sw - w.reduce((a, b) => a + b * b, 0) / sw
  }
}

function pooledSums(groups: SlopeEstimate[][], tau2: number, centre: Centre): GroupSums {
  return groups
    .filter((g) => g.length > 0)
    .map((g) => groupSums(g, tau2, centre))
    .reduce((a, b) => ({ q: a.q + b.q, df: a.df + b.df, c: a.c + b.c }), { q: 0, df: 0, c: 0 })
}

/**
 * DerSimonian–Laird τ², units²/s², from groups of runs that each share one true slope (the
 * base's runs, the head's runs): each group has its own mean, and τ is common to all, so
 * the head's and the base's repeats both inform it. null when no group has two runs.
 */
export function betweenRunVariance(groups: SlopeEstimate[][], centre: Centre = 'own-mean'): number | null {
  const { q, df, c } = pooledSums(groups, 0, centre)
  if (df === 0) return null
  return c > 0 ? Math.max(0, (q - df) / c) : 0
}

/**
 * The upper bound of τ² at one-sided `confidence`, by the Q-profile method (Viechtbauer
 * 2007): the τ² at which the generalised Q statistic falls to the χ² quantile. A floor
 * must err wide: a point estimate from a handful of runs is often 0. null with df 0.
 */
export function betweenRunVarianceUpper(
  groups: SlopeEstimate[][],
  confidence: number,
  centre: Centre = 'own-mean'
): number | null {
  const df = pooledSums(groups, 0, centre).df
  if (df === 0) return null
  const target = chiSquareQuantile(1 - confidence, df)
  const q = (tau2: number) => pooledSums(groups, tau2, centre).q
  if (q(0) <= target) return 0
  // Q falls as τ² grows; bracket, then bisect on a log scale.
  let high = Math.max(...groups.flat().map((r) => r.slopePerSec ** 2 + r.sePerSec ** 2), MIN_VARIANCE)
  while (q(high) > target) high *= 4
  let low = 0
  for (let i = 0; i < 100 && high - low > high * 1e-9; i++) {
    const mid = (low + high) / 2
    if (q(mid) > target) low = mid
    else high = mid
  }
  return high
}

/**
 * The p quantile of χ² with `df` degrees of freedom: exact for 1 and 2, where Wilson–Hilferty
 * is not; Wilson–Hilferty above, within ~1% at df ≥ 3 for the lower quantiles used here.
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (df === 1) return normalQuantile((1 + p) / 2) ** 2
  if (df === 2) return -2 * Math.log(1 - p)
  const k = 2 / (9 * df)
  return df * Math.max(0, 1 - k + normalQuantile(p) * Math.sqrt(k)) ** 3
}

/**
 * A/A calibration: pairs of runs of the same code. Each difference has variance
 * v_a + v_b + 2τ², so the spread of the differences beyond their own errors is 2τ².
 */
export function pairSpread(
  pairs: [SlopeEstimate, SlopeEstimate][],
  z: number,
  floorPerSec: number,
  confidence = 0.9
): PairSpread {
  const differences = pairs.map(([a, b]) => ({
    slopePerSec: b.slopePerSec - a.slopePerSec,
    sePerSec: Math.hypot(a.sePerSec, b.sePerSec)
  }))
  const ds = differences.map((d) => d.slopePerSec)
  const mean = ds.reduce((a, b) => a + b, 0) / ds.length
  const sd = ds.length > 1 ? Math.sqrt(ds.reduce((a, d) => a + (d - mean) ** 2, 0) / (ds.length - 1)) : 0
  // Runs of the same code: b − a is 0 but for spread, and a steady order effect is part of it.
  const aa: Centre = { knownMean: 0 }
  const tau2 = betweenRunVariance([differences], aa) ?? 0
  const upper = betweenRunVarianceUpper([differences], confidence, aa) ?? 0
  return {
    differencesPerSec: ds,
    differenceSdPerSec: sd,
    spreadPerSec: Math.sqrt(tau2 / 2),
    spreadUpperPerSec: Math.sqrt(upper / 2),
    confidence,
    excludingZeroWithin: excludingZero(differences, z, 0),
    excludingZeroWithFloor: excludingZero(differences, z, floorPerSec),
    floorPerSec
  }
}

function excludingZero(differences: SlopeEstimate[], z: number, spreadPerSec: number): number {
  return differences.filter(
    (d) => Math.abs(d.slopePerSec) > z * Math.sqrt(d.sePerSec ** 2 + 2 * spreadPerSec ** 2)
  ).length
}
