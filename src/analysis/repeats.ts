// Several measured runs of one side -> the one Run the report keeps for that side.
import type { Run, SeriesName } from '../report/types.js'
import { seriesPoints } from './run.js'
import { trendBlocks } from './trend.js'

const SERIES: SeriesName[] = ['heap', 'goroutines', 'rss']
const bySeries = <T>(f: (s: SeriesName) => T) =>
  Object.fromEntries(SERIES.map((s) => [s, f(s)])) as Record<SeriesName, T>

/**
 * Pools the repeats' trends rather than taking the median of their slopes: every
 * within-repeat pair counts, so the interval narrows with more repeats, and machine
 * drift that slows one repeat is outvoted by the others.
 */
export function combineRepeats(runs: Run[]): Run {
  if (runs.length === 1) return runs[0]
  return {
    ...runs[0],
    trends: bySeries((s) => trendBlocks(runs.map((r) => seriesPoints(r.samples, s)))),
    sampleNotes: runs.flatMap((r, i) => r.sampleNotes.map((n) => `repeat ${i + 1}: ${n}`)),
    repeats: runs.map((r) => ({
      slopePerSec: bySeries((s) => r.trends[s]?.slopePerSec ?? null),
      profilesDir: r.profilesDir
    }))
  }
}
