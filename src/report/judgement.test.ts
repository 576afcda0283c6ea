import { judgeGrowth } from '../analysis/verdict.js'
import { compareRuns, nothingJudged } from '../analysis/comparison.js'
import type { BaseGrowth, Run, Trend } from '../model.js'
import { describeBaseGrowth, describeJudgement } from './judgement.js'

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
const run = (side: 'head' | 'base', heap: Trend): Run => ({
  side,
  samples: [],
  trends: { heap, goroutines: t(0, 0, 0), rss: null },
  load: { kind: 'built-in', requests: 100, errors: 0, achievedRatePerSec: 10 },
  sampleNotes: [],
  profilesDir: side,
  warmupSec: 3,
  durationSec: 12
})

describe('describeJudgement', () => {
  const limit = perMin(1024 * KiB)
  const say = (trend: Trend | null, series: 'heap' | 'goroutines' = 'heap', l = limit) =>
    describeJudgement(judgeGrowth(series, trend, l)!)

  it('says what grows, how fast, with its interval, against the limit', () => {
    expect(say(t(3072 * KiB, 2048 * KiB, 4096 * KiB))).toBe(
      'live heap grows 3.00 MiB/min (95% CI 2.00 MiB/min to 4.00 MiB/min), limit 1.00 MiB/min'
    )
    expect(say(t(12, 11, 13), 'goroutines', perMin(10))).toBe(
      'goroutines grows 12/min (95% CI 11/min to 13/min), limit 10/min'
    )
  })

  it('names a plateau, a straddle, a pass and missing samples', () => {
    expect(say(t(3072 * KiB, 2048 * KiB, 4096 * KiB, 10 * KiB))).toMatch(
      /above the limit 1\.00 MiB\/min, but only 10\.0 KiB\/min in the second half: a warm-up or a plateau\? Lengthen warmup$/
    )
    expect(say(t(900 * KiB, 100 * KiB, 1800 * KiB))).toMatch(
      /straddles the limit 1\.00 MiB\/min; lengthen duration for/
    )
    expect(say(t(60 * KiB, -400 * KiB, 500 * KiB))).toBe(
      'live heap 60.0 KiB/min, within the limit 1.00 MiB/min'
    )
    expect(say(null)).toBe('live heap: too few samples to fit a trend')
  })

  it('says head − base with signs and both sides, against the allowed increase', () => {
    const head = run('head', t(3000 * KiB, 2900 * KiB, 3100 * KiB))
    const base = run('base', t(0, -10 * KiB, 10 * KiB))
    const [heap] = compareRuns(head, base, { heap: perMin(256 * KiB), goroutines: null }).judgements
    expect(describeJudgement(heap)).toMatch(
      /^live heap grows \+2\.93 MiB\/min over the base \(95% CI \+2\.\d+ MiB\/min to \+3\.\d+ MiB\/min; head 2\.93 MiB\/min, base 0 B\/min\), allowed increase 256 KiB\/min$/
    )
  })

  it('says why nothing could be judged', () => {
    expect(describeJudgement(nothingJudged(true))).toMatch(/no baseline/)
    expect(describeJudgement(nothingJudged(false))).toMatch(/every limit is off/)
  })
})

describe('describeBaseGrowth', () => {
  it('says the base grows, and on which ref', () => {
    const g: BaseGrowth = { series: 'heap', trend: t(3000 * KiB, 2900 * KiB, 3100 * KiB), ref: 'origin/main' }
    expect(describeBaseGrowth(g)).toMatch(/^the base grows too: live heap 2\.93 MiB\/min .* on origin\/main;/)
  })
})
