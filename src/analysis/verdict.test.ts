import type { Trend } from '../model.js'
import { combine, failsGate, judgeGrowth } from './verdict.js'

const KiB = 1024
const perMin = (v: number) => v / 60
const t = (slope: number, low: number, high: number, late = slope): Trend => ({
  slopePerSec: perMin(slope),
  ciLow: perMin(low),
  ciHigh: perMin(high),
  lateSlopePerSec: perMin(late),
  method: 'theil-sen',
  confidence: 0.95,
  n: 30
})

describe('judgeGrowth', () => {
  const limit = perMin(1024 * KiB)

  it('fails when the whole interval is above the limit and the growth goes on', () => {
    const j = judgeGrowth('heap', t(3072 * KiB, 2048 * KiB, 4096 * KiB), limit)!
    expect(j).toEqual({
      outcome: 'fail',
      rule: 'above-limit',
      series: 'heap',
      against: 'limit',
      estimatePerSec: perMin(3072 * KiB),
      lowPerSec: perMin(2048 * KiB),
      highPerSec: perMin(4096 * KiB),
      latePerSec: perMin(3072 * KiB),
      limitPerSec: limit
    })
  })

  it('is inconclusive when the interval straddles the limit', () => {
    expect(judgeGrowth('heap', t(900 * KiB, 100 * KiB, 1800 * KiB), limit)!.outcome).toBe('inconclusive')
  })

  it('does not fail a plateau: above the limit overall, flat in the second half', () => {
    const j = judgeGrowth('heap', t(3072 * KiB, 2048 * KiB, 4096 * KiB, 10 * KiB), limit)!
    expect(j).toMatchObject({ outcome: 'inconclusive', rule: 'slowed' })
  })

  it('passes when the whole interval is below the limit', () => {
    expect(judgeGrowth('heap', t(60 * KiB, -400 * KiB, 500 * KiB), limit)!.outcome).toBe('pass')
  })

  it('fails a growth just above the limit only when its whole interval is above it', () => {
    expect(judgeGrowth('goroutines', t(12, 11, 13), perMin(10))!.outcome).toBe('fail')
    expect(judgeGrowth('goroutines', t(12, 9, 13), perMin(10))!.outcome).toBe('inconclusive')
  })

  it('does not judge a series whose limit is off', () => {
    expect(judgeGrowth('heap', t(1e9, 1e9, 1e9), null)).toBeNull()
  })

  it('is inconclusive without a trend', () => {
    expect(judgeGrowth('heap', null, limit)!.outcome).toBe('inconclusive')
  })
})

describe('combine', () => {
  it('takes the worst outcome and lists failures first', () => {
    const pass = judgeGrowth('heap', t(0, -1, 1), perMin(KiB))
    const fail = judgeGrowth('heap', t(3 * KiB, 2 * KiB, 4 * KiB), perMin(KiB))
    const straddles = judgeGrowth('goroutines', t(12, 9, 13), perMin(10))
    const r = combine([pass, null, fail, straddles])
    expect(r).toEqual({ verdict: 'fail', judgements: [fail, straddles, pass] })
  })

  it('passes when nothing is judged', () => {
    expect(combine([null, null]).verdict).toBe('pass')
  })
})

describe('failsGate', () => {
  it('follows fail-on', () => {
    expect(failsGate('fail', 'fail')).toBe(true)
    expect(failsGate('inconclusive', 'fail')).toBe(false)
    expect(failsGate('inconclusive', 'inconclusive')).toBe(true)
    expect(failsGate('pass', 'inconclusive')).toBe(false)
    expect(failsGate('fail', 'never')).toBe(false)
  })
})
