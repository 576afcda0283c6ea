// Robust growth slope: Theil–Sen with Sen's distribution-free confidence interval.
// A few outliers (a GC that caught many requests in flight) barely move it.
import type { Trend } from '../report/types.js'

/** Two-sided 95%: a fail needs the lower bound above the limit, a 2.5% one-sided risk per series. */
export const CONFIDENCE = 0.95
const Z_95 = 1.959963984540054

export interface Point {
  t: number
  v: number
}

/** Slope by Theil–Sen and its 95% interval; null with fewer than 3 points. */
export function theilSen(points: Point[]): Omit<Trend, 'lateSlopePerSec'> | null {
  const n = points.length
  if (n < 3) return null
  const slopes: number[] = []
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = points[j].t - points[i].t
      if (dt !== 0) slopes.push((points[j].v - points[i].v) / dt)
    }
  }
  if (slopes.length === 0) return null
  slopes.sort((a, b) => a - b)
  const count = slopes.length
  // Sen (1968): the interval is read off the ordered pairwise slopes at ranks set by
  // the variance of Kendall's S (no ties in time: samples are taken at distinct instants).
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18)
  const upper = Math.min(Math.round((count + Z_95 * sigma) / 2), count - 1)
  const lower = Math.max(Math.round((count - Z_95 * sigma) / 2) - 1, 0)
  return {
    slopePerSec: median(slopes),
    ciLow: slopes[lower],
    ciHigh: slopes[upper],
    method: 'theil-sen',
    confidence: CONFIDENCE,
    n
  }
}

/** The trend of a series, with the slope of its second half to tell a plateau from a leak. */
export function trend(points: Point[]): Trend | null {
  const whole = theilSen(points)
  if (!whole) return null
  const late = theilSen(points.slice(Math.floor(points.length / 2)))
  return { ...whole, lateSlopePerSec: late ? late.slopePerSec : whole.slopePerSec }
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
