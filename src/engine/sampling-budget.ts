// How often to sample: every sample forces the service to collect its whole heap, and on a
// large heap that costs real CPU. `interval: auto` spaces the samples so that their forced
// GCs stay within `sampling-budget` (a share of one core), never closer than a second; when
// that leaves a look fewer than the 8 samples a trend needs, the looks move later by the
// same factor (not with a load-command, which runs for the time it was told: the interval
// then stays at duration / 8, over the budget, and the report says so). Pure: the sampler
// measures, this decides.
import { AUTO_INTERVAL_FLOOR_MS } from '../config.js'
import type { SamplingInterval } from '../model.js'

/** Auto intervals are whole tenths of a second, so that the report reads plainly. */
const STEP_MS = 100

export interface IntervalRequest {
  /** The `interval` input in ms; null for auto. */
  fixedMs: number | null
  /** The service's CPU in one sample's forced GCs, seconds; null when nothing was measured. */
  costPerSampleSec: number | null
  /** `sampling-budget`, in cores: 5% → 0.05. */
  budgetCores: number
  /** The longest interval that gives the first look its samples at the look times given: duration / 8 (config.ts). */
  maxMs: number
  /**
   * False with a load-command: it was told how long to run (MEMGATE_DURATION) when it
   * started, so the looks cannot move later than the load lasts.
   */
  looksMayMove: boolean
}

export interface IntervalPick {
  intervalMs: number
  reason: SamplingInterval['reason']
  /** The interval the budget asks for, cost / budget; null without a cost. */
  budgetIntervalMs: number | null
  /** The look times (`duration`, `max-duration`) times this: each look keeps its samples. 1: as given. */
  lookTimesFactor: number
}

/** The interval at which samples of this cost take exactly the budget; null without a cost. */
const intervalForBudgetMs = (costPerSampleSec: number | null, budgetCores: number): number | null =>
  costPerSampleSec === null ? null : (1000 * costPerSampleSec) / budgetCores

/** The interval to sample at, and what set it. */
export function chooseInterval(req: IntervalRequest): IntervalPick {
  const budgetIntervalMs = intervalForBudgetMs(req.costPerSampleSec, req.budgetCores)
  if (req.fixedMs !== null)
    return { intervalMs: req.fixedMs, reason: 'fixed', budgetIntervalMs, lookTimesFactor: 1 }
  const wanted = Math.ceil((budgetIntervalMs ?? 0) / STEP_MS) * STEP_MS
  if (wanted <= AUTO_INTERVAL_FLOOR_MS)
    return { intervalMs: AUTO_INTERVAL_FLOOR_MS, reason: 'floor', budgetIntervalMs, lookTimesFactor: 1 }
  // A load that ends on its own clock: the looks keep their times, the budget gives way.
  if (wanted > req.maxMs && !req.looksMayMove)
    return {
      intervalMs: Math.max(AUTO_INTERVAL_FLOOR_MS, Math.floor(req.maxMs / STEP_MS) * STEP_MS),
      reason: 'load-command',
      budgetIntervalMs,
      lookTimesFactor: 1
    }
  // A trend needs its samples, the service its CPU: the gate takes longer instead.
  return {
    intervalMs: wanted,
    reason: 'budget',
    budgetIntervalMs,
    lookTimesFactor: Math.max(1, wanted / req.maxMs)
  }
}

/**
 * What the run's sampling cost, for the report: the mean cost of a sample's forced GCs over
 * every sample read (a CPU-time reading ticks in 10 ms steps, so the mean, not the median),
 * and the share of one core that is at the interval sampled.
 */
export function samplingInterval(
  pick: IntervalPick,
  budgetCores: number,
  costsSec: number[],
  costMeasure: SamplingInterval['costMeasure']
): SamplingInterval {
  const gcCostPerSampleSec = costsSec.length ? costsSec.reduce((a, b) => a + b, 0) / costsSec.length : null
  const costCores = gcCostPerSampleSec === null ? null : (1000 * gcCostPerSampleSec) / pick.intervalMs
  return {
    intervalMs: pick.intervalMs,
    mode: pick.reason === 'fixed' ? 'fixed' : 'auto',
    reason: pick.reason,
    lookTimesFactor: pick.lookTimesFactor,
    gcCostPerSampleSec,
    costMeasure: gcCostPerSampleSec === null ? 'none' : costMeasure,
    budgetCores,
    costCores,
    budgetIntervalMs: intervalForBudgetMs(gcCostPerSampleSec, budgetCores),
    // A hair over is rounding, not a breach.
    overBudget: costCores !== null && costCores > budgetCores * 1.05
  }
}
