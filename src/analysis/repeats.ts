// Several measured runs of one side -> the one Run the report keeps for that side.
import type { Run } from '../model.js'
import { bySeries, seriesPoints } from './run.js'
import { trendBlocks } from './trend.js'

/**
 * Pools the repeats' trends rather than taking the median of their slopes: every
 * within-repeat pair counts, so the interval narrows with more repeats, and machine
 * drift that slows one repeat is outvoted by the others.
 */
export function combineRepeats(runs: Run[]): Run {
  if (runs.length === 1) return runs[0]
  return {
    ...runs[0],
    // Each repeat's trends share one z: the looks of every repeat split the same budget.
    trends: bySeries((s) =>
      trendBlocks(
        runs.map((r) => seriesPoints(r.samples, s)),
        runs[0].trends.heap?.z
      )
    ),
    sampleNotes: runs.flatMap((r, i) =>
      r.sampleNotes.map((n) => (typeof n === 'string' ? n : { ...n, repeat: i + 1 }))
    ),
    repeats: runs.map((r) => ({
      slopePerSec: bySeries((s) => r.trends[s]?.slopePerSec ?? null),
      sePerSec: bySeries((s) => r.trends[s]?.sePerSec ?? null),
      profilesDir: r.profilesDir
    }))
  }
}
