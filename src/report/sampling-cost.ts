// What sampling cost the service, in words: the interval sampled at and why (report.json's
// run.interval, engine/sampling-budget.ts). One line, in the run details and the terminal.
import { SAMPLES_PER_LOOK } from '../config.js'
import type { SamplingInterval } from '../model.js'

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 0))}s`
const percent = (cores: number) => `${Number((100 * cores).toFixed(cores < 0.1 ? 1 : 0))}%`

/**
 * "sampled every 2.5s (interval: auto, to keep the budget): a sample's forced GCs took 124 ms
 * of the service's CPU, 5% of one core (sampling-budget 5%)"; null for a report without it.
 */
export function describeInterval(i: SamplingInterval | undefined): string | null {
  if (!i) return null
  const why = {
    budget: 'auto, to keep the budget',
    floor: 'auto, at most once a second',
    fixed: 'as given',
    'load-command': "auto, as wide as the load-command's duration allows"
  }[i.reason]
  const head = `sampled every ${seconds(i.intervalMs)} (interval: ${why})`
  if (i.gcCostPerSampleSec === null || i.costCores === null) return `${head}: no GC was forced`
  const cost =
    i.costMeasure === 'cpu'
      ? `${Math.round(1000 * i.gcCostPerSampleSec)} ms of the service's CPU`
      : `${Math.round(1000 * i.gcCostPerSampleSec)} ms (their wall time, taken as one core busy)`
  const budget = `sampling-budget ${percent(i.budgetCores)}`
  const line = `${head}: a sample's forced GCs took ${cost}, ${percent(i.costCores)} of one core`
  const later =
    i.lookTimesFactor > 1
      ? `; the looks came ${Number(i.lookTimesFactor.toFixed(1))}× later than duration and max-duration say, so that each had its 8 samples`
      : ''
  if (!i.overBudget) return `${line} (${budget})${later}`
  const atBudget = seconds(i.budgetIntervalMs ?? i.intervalMs)
  const costlierLater = 'later samples cost more than the first, from which the interval was chosen'
  const fix = {
    fixed: `interval: auto would sample every ${atBudget}`,
    'load-command': `the load-command runs for the MEMGATE_DURATION it was given, so the looks could not move later; a duration of ${seconds(SAMPLES_PER_LOOK * (i.budgetIntervalMs ?? i.intervalMs))} or more (max-duration with it) would sample every ${atBudget}`,
    budget: costlierLater,
    floor: costlierLater
  }[i.reason]
  return `${line}, over the ${budget}: ${fix}${later}`
}
