import { ar1, normalSource, series } from '../../test/helpers/synthetic.js'
import {
  binFactorFor,
  correctedRho,
  MAX_PAIRED_POINTS,
  slopeInterval,
  slopeIntervalBlocks,
  varianceInflation,
  Z_95
} from './interval.js'
import type { Point } from './point.js'

const at = (v: number[], t: number[] = [...v.keys()]): Point[] => v.map((vi, i) => ({ t: t[i], v: vi }))

// 31 seconds of AR(1) noise (φ = 0.6) on a slope of 0.2, rounded (numpy, seed 5).
const CORRELATED = [
  50.0, 48.6, 46.79, 47.94, 50.04, 52.82, 52.51, 51.08, 49.84, 52.24, 55.53, 54.87, 51.53, 50.16, 54.54,
  54.45, 50.6, 51.68, 50.24, 50.52, 51.06, 51.01, 53.59, 53.99, 53.25, 54.89, 56.79, 53.07, 53.69, 52.69,
  53.79
]

describe('slopeInterval', () => {
  it("is Sen's interval when the residuals are not positively correlated (scipy.stats.theilslopes)", () => {
    const r = slopeInterval(at([10, 12.5, 11, 15.2, 14.1, 18.9, 16, 20.3, 19.5, 24.1, 22.2, 25]))!
    expect(r.rho).toBe(0)
    expect(r.vif).toBe(1)
    expect(r.slopePerSec).toBeCloseTo(1.35, 10)
    expect(r.low).toBeCloseTo(1.0, 10)
    expect(r.high).toBeCloseTo(1.7333333333333332, 10)
    expect(r.se).toBeCloseTo((1.7333333333333332 - 1) / (2 * Z_95), 10)
    expect(r.n).toBe(12)
  })

  // References from a separate numpy implementation of the same steps; scipy's plain
  // interval on this series is 0.0571 to 0.2243, too narrow for the correlation in it.
  it('widens the interval by the variance factor of correlated residuals', () => {
    const r = slopeInterval(at(CORRELATED))!
    expect(r.slopePerSec).toBeCloseTo(0.14607142857142844, 10)
    expect(r.rho).toBeCloseTo(0.6368268451145183, 10)
    expect(r.vif).toBeCloseTo(3.6751450821650167, 10)
    expect(r.low).toBeCloseTo(-0.06071428571428582, 10)
    expect(r.high).toBeCloseTo(0.34285714285714297, 10)
    expect(r.se).toBeCloseTo(0.10295378684372487, 10)
  })

  it('reads the bounds at the z it is given', () => {
    const r = slopeInterval(at(CORRELATED), 2.497705474412374)!
    expect(r.low).toBeCloseTo(-0.12333333333333343, 10)
    expect(r.high).toBeCloseTo(0.44000000000000056, 10)
  })

  it('needs three points', () => {
    expect(slopeInterval(at([1, 2]))).toBeNull()
  })

  it('bins a long series, so that Kendall pairs at most 400 points, keeping the slope of a line', () => {
    // How long the analysis takes is bench:overhead's (end-of-run analysis); this is what bounds it.
    expect(binFactorFor(6000)).toBe(15)
    expect(binFactorFor(MAX_PAIRED_POINTS)).toBe(1)
    const normal = normalSource(3)
    const points = series(ar1(normal, 6000, 0.5, 1000), (t) => 100 * t)
    const r = slopeInterval(points)!
    expect(r.n).toBe(6000)
    expect(r.low).toBeLessThan(100)
    expect(r.high).toBeGreaterThan(100)
    expect(slopeInterval(series(new Array(6000).fill(0), (t) => 7 * t))!.slopePerSec).toBeCloseTo(7, 10)
  })

  // The test the design stands on: at φ = 0.5 and n = 31, Sen's nominal 95 % covers
  // about 78 %; with the variance factor it must cover 93–97 %.
  it('covers the true slope in 93–97 % of AR(1) series at φ = 0.5, n = 31', () => {
    const normal = normalSource(20240901)
    const runs = 2000
    let covered = 0
    for (let run = 0; run < runs; run++) {
      const r = slopeInterval(series(ar1(normal, 31, 0.5, 1), (t) => 0.05 * t))!
      if (r.low <= 0.05 && r.high >= 0.05) covered++
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.93)
    expect(covered / runs).toBeLessThanOrEqual(0.97)
  })
})

describe('the residual correlation', () => {
  it('is measured around a fill when one explains the curvature, not around the line', () => {
    // A cache filling with τ = 40 s seen for 30 s under 4 KiB noise: around a line the
    // residuals bow (lag-1 correlation near 1); around the fill they are the noise.
    const normal = normalSource(11)
    const bow = series(ar1(normal, 31, 0, 4096), (t) => 3 * 1024 * 1024 * (1 - Math.exp(-(t + 15) / 40)))
    const r = slopeInterval(bow)!
    expect(r.rho).toBeLessThan(0.5)
    expect(r.vif).toBeLessThan(3)
  })

  it('can be taken from a longer window', () => {
    const r = slopeIntervalBlocks([at(CORRELATED.slice(16))], Z_95, { rho: 0.5, binFactor: 1 })!
    expect(r.rho).toBe(0.5)
    expect(r.vif).toBeCloseTo(varianceInflation(0.5, 15), 12)
  })
})

describe('slopeIntervalBlocks', () => {
  it('pairs points only within a block, so each repeat keeps its own intercept', () => {
    // References from the numpy implementation, pairing within blocks and pooling the residual correlation.
    const first = at(CORRELATED.slice(0, 16))
    const second = at(CORRELATED.slice(16).map((v) => v + 900))
    const r = slopeIntervalBlocks([first, second])!
    expect(r.slopePerSec).toBeCloseTo(0.33124999999999716, 10)
    expect(r.rho).toBeCloseTo(0.7371895239696986, 10)
    expect(r.vif).toBeCloseTo(3.754741658631222, 10)
    expect(r.low).toBeCloseTo(-0.059999999999983324, 10)
    expect(r.high).toBeCloseTo(0.7466666666666697, 10)
    expect(r.n).toBe(31)
  })

  it('is the single-series interval for one block', () => {
    expect(slopeIntervalBlocks([at(CORRELATED)])).toEqual(slopeInterval(at(CORRELATED)))
  })
})

describe('correctedRho', () => {
  it('undoes the downward bias of detrended residuals and clips to [0, 0.97]', () => {
    expect(correctedRho(-2 / 31, 31)).toBe(0)
    expect(correctedRho(0.3, 31)).toBeCloseTo((0.3 + 2 / 31) / (1 - 6 / 31), 12)
    expect(correctedRho(0.9, 31)).toBe(0.97)
  })

  it('holds the correction at 8 points for shorter windows, where it would blow up', () => {
    expect(correctedRho(-0.1, 5)).toBe(correctedRho(-0.1, 8))
    expect(correctedRho(-0.1, 8)).toBeCloseTo(0.6, 12)
    expect(correctedRho(-0.25, 6)).toBe(0)
  })
})

describe('varianceInflation', () => {
  it('is 1 without correlation or with too few points to pair', () => {
    expect(varianceInflation(0, 31)).toBe(1)
    expect(varianceInflation(0.5, 3)).toBe(1)
  })

  it('is 1 + ρ/2 at four points, where one lag contributes', () => {
    expect(varianceInflation(0.5, 4)).toBeCloseTo(1.25, 12)
  })

  it('tends to (1 + ρ)/(1 − ρ) on long series', () => {
    expect(varianceInflation(0.5, 100_000)).toBeCloseTo(3, 3)
    expect(varianceInflation(0.8, 100_000)).toBeCloseTo(9, 2)
  })
})
