import { chooseInterval, samplingInterval } from './sampling-budget.js'

// Defaults: 5% of one core, duration 30s (so 3.75 s between samples gives the first look 8).
const auto = { fixedMs: null, budgetCores: 0.05, maxMs: 3750, looksMayMove: true }

describe('chooseInterval', () => {
  it('keeps the 1 s floor when sampling is cheap', () => {
    // A small heap: 4 ms of CPU a sample would allow 80 ms.
    expect(chooseInterval({ ...auto, costPerSampleSec: 0.004 })).toEqual({
      intervalMs: 1000,
      reason: 'floor',
      budgetIntervalMs: 80,
      lookTimesFactor: 1
    })
  })

  it('spaces the samples so that their cost stays within the budget, in tenths of a second', () => {
    const pick = chooseInterval({ ...auto, costPerSampleSec: 0.124 })
    expect(pick).toEqual({ intervalMs: 2500, reason: 'budget', budgetIntervalMs: 2480, lookTimesFactor: 1 })
    expect(0.124 / (pick.intervalMs / 1000)).toBeLessThanOrEqual(0.05)
  })

  it('moves the looks later when the budget leaves a look fewer than 8 samples', () => {
    // 256 MiB of small objects: 0.514 s of CPU a sample needs 10.3 s at 5%; duration 30s allows 3.75 s.
    const pick = chooseInterval({ ...auto, costPerSampleSec: 0.514 })
    expect(pick).toMatchObject({ intervalMs: 10_300, reason: 'budget' })
    expect(pick.lookTimesFactor).toBeCloseTo(10_300 / 3750)
    // The first look, at 30 s times the factor, still has 8 intervals.
    expect((30_000 * pick.lookTimesFactor) / pick.intervalMs).toBeCloseTo(8)
    // With duration 15m a 2 GiB heap's 4 s a sample needs no later looks.
    expect(chooseInterval({ ...auto, maxMs: 112_500, costPerSampleSec: 4 })).toMatchObject({
      intervalMs: 80_000,
      lookTimesFactor: 1
    })
  })

  it('keeps the looks where they are with a load-command, which runs for the time it was told: over the budget', () => {
    const pick = chooseInterval({ ...auto, costPerSampleSec: 0.514, looksMayMove: false })
    expect(pick).toEqual({
      intervalMs: 3700,
      reason: 'load-command',
      budgetIntervalMs: 10_280,
      lookTimesFactor: 1
    })
    expect(samplingInterval(pick, 0.05, [0.514], 'cpu')).toMatchObject({
      overBudget: true,
      reason: 'load-command'
    })
    // Within the duration's reach it keeps the budget as without one.
    expect(chooseInterval({ ...auto, costPerSampleSec: 0.124, looksMayMove: false })).toMatchObject({
      intervalMs: 2500,
      reason: 'budget'
    })
  })

  it('keeps a fixed interval, and still says what the budget asked for', () => {
    expect(chooseInterval({ ...auto, fixedMs: 1000, costPerSampleSec: 0.5 })).toEqual({
      intervalMs: 1000,
      reason: 'fixed',
      budgetIntervalMs: 10_000,
      lookTimesFactor: 1
    })
  })

  it('without a measured cost (metrics, a dropped first sample) samples at the floor', () => {
    expect(chooseInterval({ ...auto, costPerSampleSec: null })).toEqual({
      intervalMs: 1000,
      reason: 'floor',
      budgetIntervalMs: null,
      lookTimesFactor: 1
    })
  })
})

describe('samplingInterval', () => {
  it('reports the mean cost over the run and the share of one core it took', () => {
    // CPU time ticks in 10 ms steps: readings of 0 and 10 ms average to 5.
    const pick = chooseInterval({ ...auto, costPerSampleSec: 0 })
    expect(samplingInterval(pick, 0.05, [0, 0.01, 0, 0.01], 'cpu')).toEqual({
      intervalMs: 1000,
      mode: 'auto',
      reason: 'floor',
      lookTimesFactor: 1,
      gcCostPerSampleSec: 0.005,
      costMeasure: 'cpu',
      budgetCores: 0.05,
      costCores: 0.005,
      budgetIntervalMs: 100,
      overBudget: false
    })
  })

  it('says when a fixed interval takes more than the budget', () => {
    const pick = chooseInterval({ ...auto, fixedMs: 1000, costPerSampleSec: 0.5 })
    const r = samplingInterval(pick, 0.05, [0.5, 0.52], 'cpu')
    expect(r).toMatchObject({ mode: 'fixed', overBudget: true, budgetIntervalMs: 10_200 })
    expect(r.costCores).toBeCloseTo(0.51)
  })

  it('says when later samples cost more than the first, from which the interval was chosen', () => {
    const pick = chooseInterval({ ...auto, costPerSampleSec: 0.1 })
    expect(samplingInterval(pick, 0.05, [0.1, 0.2, 0.2], 'wall')).toMatchObject({
      intervalMs: 2000,
      costMeasure: 'wall',
      overBudget: true
    })
  })

  it('without a forced GC there is no cost to report', () => {
    const pick = chooseInterval({ ...auto, costPerSampleSec: null })
    expect(samplingInterval(pick, 0.05, [], 'cpu')).toMatchObject({
      gcCostPerSampleSec: null,
      costMeasure: 'none',
      costCores: null,
      overBudget: false
    })
  })
})
