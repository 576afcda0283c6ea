import { normalSource } from '../../test/helpers/synthetic.js'
import {
  betweenRunVariance,
  betweenRunVarianceUpper,
  chiSquareQuantile,
  pairSpread,
  type SlopeEstimate
} from './between-runs.js'

const runs = (slopes: number[], se: number): SlopeEstimate[] =>
  slopes.map((s) => ({ slopePerSec: s, sePerSec: se }))

describe('chiSquareQuantile', () => {
  it('is within 1% of the tables', () => {
    expect(chiSquareQuantile(0.95, 10)).toBeCloseTo(18.307, 0)
    // Exact where the approximation is not: one and two degrees of freedom (scipy.stats.chi2.ppf).
    expect(chiSquareQuantile(0.1, 1)).toBeCloseTo(0.015791, 5)
    expect(chiSquareQuantile(0.1, 2)).toBeCloseTo(0.210721, 5)
    expect(chiSquareQuantile(0.95, 2)).toBeCloseTo(5.991465, 5)
    expect(chiSquareQuantile(0.1, 3) / 0.584374).toBeCloseTo(1, 1)
    expect(chiSquareQuantile(0.1, 9) / 4.168).toBeCloseTo(1, 1)
    expect(chiSquareQuantile(0.1, 19) / 11.651).toBeCloseTo(1, 2)
  })
})

describe('betweenRunVariance', () => {
  it('is null with one run a group: nothing tells the spread from the error', () => {
    expect(betweenRunVariance([runs([5], 1), runs([7], 1)])).toBeNull()
  })

  it('is 0 when the runs differ less than their errors explain', () => {
    expect(betweenRunVariance([runs([10, 10.5, 9.8], 2)])).toBe(0)
  })

  it('is the variance of the slopes less the within-run variance, for equal errors', () => {
    const slopes = [0, 10, 20, 30]
    // sample variance 166.7, within 1² → τ² = 165.7
    expect(betweenRunVariance([runs(slopes, 1)])).toBeCloseTo(500 / 3 - 1, 6)
  })

  it('gives each group its own mean: a base and a head that differ add nothing to τ', () => {
    expect(betweenRunVariance([runs([0, 0.1], 1), runs([1000, 1000.1], 1)])).toBe(0)
  })

  it('reads runs of a series that never moved (standard error 0)', () => {
    expect(betweenRunVariance([runs([0, 0, 0], 0)])).toBe(0)
    expect(betweenRunVariance([runs([0, 2], 0)])).toBeCloseTo(2, 6)
  })

  it('estimates τ² within 15% on average over 2,000 seeded sets of six runs', () => {
    const normal = normalSource(7)
    const [tau, se] = [3, 2]
    let sum = 0
    for (let i = 0; i < 2000; i++)
      sum += betweenRunVariance([
        runs(
          [0, 0, 0].map(() => tau * normal() + se * normal()),
          se
        ),
        runs(
          [0, 0, 0].map(() => 50 + tau * normal() + se * normal()),
          se
        )
      ])!
    expect(sum / 2000 / tau ** 2).toBeGreaterThan(0.85)
    expect(sum / 2000 / tau ** 2).toBeLessThan(1.15)
  })
})

describe('betweenRunVarianceUpper', () => {
  it('is 0 when even τ² = 0 explains the runs', () => {
    expect(betweenRunVarianceUpper([runs([1, 1.1, 0.9, 1], 5)], 0.9)).toBe(0)
  })

  it('covers the true τ² in 86–94% of 2,000 seeded sets of ten runs at 90%', () => {
    const normal = normalSource(19)
    const [tau, se] = [4, 2]
    let covered = 0
    for (let i = 0; i < 2000; i++) {
      const set = runs(
        Array.from({ length: 10 }, () => tau * normal() + se * normal()),
        se
      )
      if (betweenRunVarianceUpper([set], 0.9)! >= tau ** 2) covered++
    }
    expect(covered / 2000).toBeGreaterThanOrEqual(0.86)
    expect(covered / 2000).toBeLessThanOrEqual(0.94)
  })
})

describe('pairSpread', () => {
  it('counts a steady difference between the first and the second run as spread: its true mean is 0', () => {
    // Every second run 40 above the first: around their own mean the differences agree.
    const pairs = Array.from({ length: 3 }, (): [SlopeEstimate, SlopeEstimate] => [
      { slopePerSec: 0, sePerSec: 1 / Math.SQRT2 },
      { slopePerSec: 40, sePerSec: 1 / Math.SQRT2 }
    ])
    expect(
      betweenRunVariance([
        pairs.map(([a, b]) => ({ slopePerSec: b.slopePerSec - a.slopePerSec, sePerSec: 1 }))
      ])
    ).toBe(0)
    // About 0: Q = 3 · 40², df 3, Σw 3, so 2τ² = 1599.
    expect(pairSpread(pairs, 1.96, 0).spreadPerSec).toBeCloseTo(Math.sqrt(1599 / 2), 6)
  })

  it('halves the spread of the differences: each difference holds two runs', () => {
    const normal = normalSource(3)
    const tau = 10
    const pairs = Array.from({ length: 400 }, (): [SlopeEstimate, SlopeEstimate] => [
      { slopePerSec: tau * normal(), sePerSec: 0.1 },
      { slopePerSec: tau * normal(), sePerSec: 0.1 }
    ])
    const s = pairSpread(pairs, 1.96, tau)
    expect(s.spreadPerSec / tau).toBeCloseTo(1, 1)
    expect(s.spreadUpperPerSec).toBeGreaterThan(s.spreadPerSec)
    expect(s.differenceSdPerSec / (tau * Math.SQRT2)).toBeCloseTo(1, 1)
    // Within-run error alone: nearly every difference excludes 0.
    expect(s.excludingZeroWithin).toBeGreaterThan(380)
    // With the true spread counted, about 5%.
    expect(s.excludingZeroWithFloor / 400).toBeLessThan(0.09)
  })

  it('is 0 for pairs that agree within their errors', () => {
    const pair = (a: number, b: number): [SlopeEstimate, SlopeEstimate] => [
      { slopePerSec: a, sePerSec: 5 },
      { slopePerSec: b, sePerSec: 5 }
    ]
    const s = pairSpread([pair(1, 2), pair(3, 1), pair(0, 0.5)], 1.96, 0)
    expect(s.spreadPerSec).toBe(0)
    expect(s.excludingZeroWithin).toBe(0)
  })
})
