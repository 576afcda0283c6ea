import type { SamplingInterval } from '../model.js'
import { describeInterval } from './sampling-cost.js'

const base: SamplingInterval = {
  intervalMs: 1000,
  mode: 'auto',
  reason: 'floor',
  lookTimesFactor: 1,
  gcCostPerSampleSec: 0.004,
  costMeasure: 'cpu',
  budgetCores: 0.05,
  costCores: 0.004,
  budgetIntervalMs: 80,
  overBudget: false
}

describe('describeInterval', () => {
  it('says the interval, why, and what a sample cost the service', () => {
    expect(describeInterval(base)).toBe(
      "sampled every 1s (interval: auto, at most once a second): a sample's forced GCs took 4 ms of the service's CPU, 0.4% of one core (sampling-budget 5%)"
    )
    expect(
      describeInterval({
        ...base,
        intervalMs: 2500,
        reason: 'budget',
        gcCostPerSampleSec: 0.124,
        costCores: 0.0496,
        budgetIntervalMs: 2480
      })
    ).toBe(
      "sampled every 2.5s (interval: auto, to keep the budget): a sample's forced GCs took 124 ms of the service's CPU, 5% of one core (sampling-budget 5%)"
    )
  })

  it('says when the looks came later to keep the budget', () => {
    expect(
      describeInterval({
        ...base,
        intervalMs: 10_300,
        reason: 'budget',
        lookTimesFactor: 2.7466,
        gcCostPerSampleSec: 0.514,
        costCores: 0.0499,
        budgetIntervalMs: 10_280
      })
    ).toBe(
      "sampled every 10s (interval: auto, to keep the budget): a sample's forced GCs took 514 ms of the service's CPU, 5% of one core (sampling-budget 5%); the looks came 2.7× later than duration and max-duration say, so that each had its 8 samples"
    )
  })

  it('says when the budget was not kept, and what would keep it', () => {
    const heavy = {
      ...base,
      gcCostPerSampleSec: 0.5,
      costCores: 0.5,
      budgetIntervalMs: 10_000,
      overBudget: true
    }
    expect(describeInterval({ ...heavy, mode: 'fixed', reason: 'fixed' })).toBe(
      "sampled every 1s (interval: as given): a sample's forced GCs took 500 ms of the service's CPU, 50% of one core, over the sampling-budget 5%: interval: auto would sample every 10s"
    )
    expect(
      describeInterval({ ...heavy, intervalMs: 5000, reason: 'budget', costCores: 0.1, costMeasure: 'wall' })
    ).toBe(
      "sampled every 5s (interval: auto, to keep the budget): a sample's forced GCs took 500 ms (their wall time, taken as one core busy), 10% of one core, over the sampling-budget 5%: later samples cost more than the first, from which the interval was chosen"
    )
    expect(describeInterval({ ...heavy, intervalMs: 3700, reason: 'load-command', costCores: 0.135 })).toBe(
      "sampled every 3.7s (interval: auto, as wide as the load-command's duration allows): a sample's forced GCs took 500 ms of the service's CPU, 14% of one core, over the sampling-budget 5%: the load-command runs for the MEMGATE_DURATION it was given, so the looks could not move later; a duration of 80s or more (max-duration with it) would sample every 10s"
    )
  })

  it('says so when no GC was forced, and nothing for a report without the field', () => {
    expect(
      describeInterval({
        ...base,
        gcCostPerSampleSec: null,
        costCores: null,
        costMeasure: 'none',
        budgetIntervalMs: null
      })
    ).toBe('sampled every 1s (interval: auto, at most once a second): no GC was forced')
    expect(describeInterval(undefined)).toBeNull()
  })
})
