// Robust growth slope: Theil–Sen with Sen's distribution-free confidence interval.
// A few outliers (a GC that caught many requests in flight) barely move it.
import type { Trend } from '../model.js'

/** Two-sided 95%: a fail needs the lower bound above the limit, a 2.5% one-sided risk per series. */
export const CONFIDENCE = 0.95
const Z_95 = 1.959963984540054

export interface Point {
  t: number
  v: number
}

/** Slope by Theil–Sen and its 95% interval; null with fewer than 3 points. */
export function theilSen(points: Point[]): Omit<Trend, 'lateSlopePerSec'> | null {
  return theilSenBlocks([points])
}

/**
 * Theil–Sen over runs measured apart (repeats): pairs only within a run, since each
 * restart has its own intercept, and Kendall's S summed over runs, so its variance is
 * the sum of theirs (Hirsch, Slack & Smith 1982, the seasonal Kendall slope).
 */
export function theilSenBlocks(blocks: Point[][]): Omit<Trend, 'lateSlopePerSec'> | null {
  const n = blocks.reduce((sum, b) => sum + b.length, 0)
  if (n < 3) return null
  const slopes: number[] = []
  let varianceS = 0
  for (const points of blocks) {
    const m = points.length
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const dt = points[j].t - points[i].t
        if (dt !== 0) slopes.push((points[j].v - points[i].v) / dt)
      }
    }
    varianceS += (m * (m - 1) * (2 * m + 5)) / 18
  }
  if (slopes.length === 0) return null
  slopes.sort((a, b) => a - b)
  const count = slopes.length
  // Sen (1968): the interval is read off the ordered pairwise slopes at ranks set by
  // the variance of Kendall's S (no ties in time: samples are taken at distinct instants).
  const sigma = Math.sqrt(varianceS)
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
  return trendBlocks([points])
}

/** The trend pooled over repeats; the late slope pools the second half of each. */
export function trendBlocks(blocks: Point[][]): Trend | null {
  const whole = theilSenBlocks(blocks)
  if (!whole) return null
  const late = theilSenBlocks(blocks.map((b) => b.slice(Math.floor(b.length / 2))))
  return { ...whole, lateSlopePerSec: late ? late.slopePerSec : whole.slopePerSec }
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
