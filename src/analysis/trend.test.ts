import { theilSen, trend } from './trend.js'

const pts = (t: number[], v: number[]) => t.map((ti, i) => ({ t: ti, v: v[i] }))

describe('theilSen', () => {
  // Expected values from scipy.stats.theilslopes(y, x, alpha=0.95), scipy 1.16, computed independently.
  it('matches scipy on an evenly spaced noisy line', () => {
    const r = theilSen(
      pts(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        [10, 12.5, 11, 15.2, 14.1, 18.9, 16, 20.3, 19.5, 24.1, 22.2, 25]
      )
    )!
    expect(r.slopePerSec).toBeCloseTo(1.35, 10)
    expect(r.ciLow).toBeCloseTo(1.0, 10)
    expect(r.ciHigh).toBeCloseTo(1.7333333333333332, 10)
    expect(r.n).toBe(12)
  })

  it('matches scipy on uneven times with no trend', () => {
    const r = theilSen(pts([0, 0.5, 1.1, 1.9, 2.5, 3.0, 3.4, 4.2], [5, 3, 6, 2, 7, 4, 8, 3]))!
    expect(r.slopePerSec).toBeCloseTo(0.41739130434782606, 10)
    expect(r.ciLow).toBeCloseTo(-1.5789473684210527, 10)
    expect(r.ciHigh).toBeCloseTo(1.8181818181818181, 10)
  })

  it('ignores a single outlier that would drag least squares', () => {
    const v = Array.from({ length: 20 }, (_, i) => 100 + 2 * i)
    v[10] = 10_000
    const r = theilSen(pts([...v.keys()], v))!
    expect(r.slopePerSec).toBeCloseTo(2, 10)
    expect(r.ciLow).toBeLessThanOrEqual(2)
    expect(r.ciHigh).toBeGreaterThanOrEqual(2)
  })

  it('needs three points', () => {
    expect(theilSen(pts([0, 1], [1, 2]))).toBeNull()
  })
})

describe('trend', () => {
  it('sees a plateau in the late slope', () => {
    // Rises for the first half, then flat: a cache filling, not a leak.
    const v = Array.from({ length: 30 }, (_, i) => Math.min(i, 12) * 1000)
    const r = trend(pts([...v.keys()], v))!
    expect(r.slopePerSec).toBeGreaterThan(0)
    expect(r.lateSlopePerSec).toBe(0)
  })

  it('keeps a steady leak in the late slope', () => {
    const v = Array.from({ length: 30 }, (_, i) => 5000 + i * 512)
    const r = trend(pts([...v.keys()], v))!
    expect(r.slopePerSec).toBeCloseTo(512, 10)
    expect(r.lateSlopePerSec).toBeCloseTo(512, 10)
  })
})
