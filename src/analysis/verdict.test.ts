import { fittedTrend, runExtras } from '../../test/fixtures/reports.js'
import type { GrowthLimit, Judgement, LookRecord, Run, Sample } from '../model.js'
import type { HeapNamed } from './attribution.js'
import {
  combine,
  failsGate,
  judgeEachOnChange,
  judgeGrowth,
  judgeLook,
  judgeOnChange,
  limitPerSec,
  type Limits,
  type LookInput
} from './verdict.js'

const KiB = 1024
const perMin = (v: number) => v / 60
const limits = (heap: GrowthLimit | null, goroutines: GrowthLimit | null = null): Limits => ({
  heap,
  goroutines
})
const perSecond = (value: number): GrowthLimit => ({ value, per: 'second' })

/** Samples 1 s apart: the heap from `heap(t)` plus a small fixed wobble, goroutines flat. */
const samples = (n: number, heap: (t: number) => number): Sample[] =>
  Array.from({ length: n }, (_, t) => ({
    t,
    liveHeapBytes: Math.round(heap(t) + [0, 900, -400, 1300, -800][t % 5]),
    liveHeapObjects: 1000,
    goroutines: 12,
    rssBytes: null
  }))

describe('judgeLook', () => {
  const look = (s: Sample[], index: number, count: number, l: Limits, requestsPerSec: number | null = 200) =>
    judgeLook({ samples: s, index, count, atSec: s.length - 1, limits: l, requestsPerSec })
  /** Look `index` of 4 at the last sample, heap limit 512 KiB/min, 200 requests/s. */
  const lookOf4 = (s: Sample[], index: number, more: Partial<LookInput> = {}) =>
    judgeLook({
      samples: s,
      index,
      count: 4,
      atSec: s.length - 1,
      limits: limits(perSecond(perMin(512 * KiB))),
      requestsPerSec: 200,
      ...more
    })

  it('stops at the first look on a flat service; a clear leak waits for the next look to confirm it', () => {
    const flat = look(
      samples(31, () => 4e6),
      0,
      4,
      limits(perSecond(perMin(512 * KiB)))
    )
    expect(flat.stop).toBe(true)
    expect(flat.record.decisions.heap).toEqual({ outcome: 'pass', rule: 'upper-below-limit' })
    const leak = look(
      samples(31, (t) => 4e6 + 51_200 * t),
      0,
      4,
      limits(perSecond(perMin(512 * KiB)))
    )
    expect(leak.stop).toBe(false)
    expect(leak.record.decisions.heap).toEqual({
      outcome: 'continue',
      rule: 'confirming',
      failRule: 'above-limit'
    })
    const confirmed = judgeLook({
      samples: samples(61, (t) => 4e6 + 51_200 * t),
      index: 1,
      count: 4,
      atSec: 60,
      limits: limits(perSecond(perMin(512 * KiB))),
      requestsPerSec: 200,
      previous: leak.record
    })
    expect(confirmed.stop).toBe(true)
    expect(confirmed.record.decisions.heap).toEqual({ outcome: 'fail', rule: 'above-limit' })
  })

  it('does not fail a hockey stick whose flat part starts before the look that would confirm the fail', () => {
    // 12 MiB/min in a straight line for 40 s, then flat: an LRU at capacity.
    const heapLimit = limits(perSecond(perMin(512 * KiB)))
    const hockeyStick = samples(91, (t) => 4e6 + 204_800 * Math.min(t, 40))
    const at = (index: number, previous?: LookRecord) =>
      judgeLook({
        samples: hockeyStick.slice(0, 30 * (index + 1) + 1),
        index,
        count: 4,
        atSec: 30 * (index + 1),
        limits: heapLimit,
        requestsPerSec: 200,
        previous
      }).record
    const first = at(0)
    expect(first.decisions.heap?.rule).toBe('confirming')
    const second = at(1, first)
    expect(second.decisions.heap).toEqual({ outcome: 'continue', rule: 'levelled-off' })
    expect(at(2, second).decisions.heap?.outcome).toBe('pass')
  })

  it('confirms a fail when a leak keeps growing under a cache that has filled', () => {
    const heapLimit = limits(perSecond(perMin(512 * KiB)))
    // The hockey stick above with 128 B a request (1.5 MiB/min) leaking beside it.
    const leakUnderCache = samples(61, (t) => 4e6 + 204_800 * Math.min(t, 40) + 25_600 * t)
    const first = judgeLook({
      samples: leakUnderCache.slice(0, 31),
      index: 0,
      count: 4,
      atSec: 30,
      limits: heapLimit,
      requestsPerSec: 200
    }).record
    const second = judgeLook({
      samples: leakUnderCache,
      index: 1,
      count: 4,
      atSec: 60,
      limits: heapLimit,
      requestsPerSec: 200,
      previous: first
    })
    expect(second.record.decisions.heap).toEqual({ outcome: 'fail', rule: 'above-limit' })
  })

  it('never fails a cache that fills, and passes it once it is seen to level off below the limit', () => {
    const fill = (t: number) => 4e6 + 3e6 * (1 - Math.exp(-t / 20))
    const first = look(samples(31, fill), 0, 4, limits(perSecond(perMin(512 * KiB))))
    expect(first.record.decisions.heap).toEqual({ outcome: 'pass', rule: 'levels-off-below-limit' })
    expect(first.stop).toBe(true)
  })

  it('samples on past a heap that fails before its line can be named, up to the last look', () => {
    const leak = samples(31, (t) => 4e6 + 51_200 * t)
    const heapLimit = limits(perSecond(perMin(512 * KiB)))
    // The look before failed too: this one confirms it.
    const waiting: LookRecord = {
      index: 0,
      count: 4,
      atSec: 15,
      decisions: { heap: { outcome: 'continue', rule: 'confirming', failRule: 'above-limit' } },
      limitsPerSec: {}
    }
    const judge = (index: number, heapNamed?: HeapNamed) =>
      judgeLook({
        samples: leak,
        index,
        count: 4,
        atSec: 30,
        limits: heapLimit,
        requestsPerSec: 200,
        heapNamed,
        previous: waiting
      })
    expect(judge(1, 'nothing')).toMatchObject({ stop: false, record: { samplingOnToName: true } })
    expect(judge(1, 'nothing').record.decisions.heap).toEqual({ outcome: 'fail', rule: 'above-limit' })
    // A container's arrays name a staircase only: this heap grows in a straight line.
    expect(judge(1, 'container')).toMatchObject({ stop: false, record: { samplingOnToName: true } })
    for (const named of ['line', undefined] as const) {
      expect(judge(1, named).stop).toBe(true)
      expect(judge(1, named).record.samplingOnToName).toBeUndefined()
    }
    expect(judge(3, 'nothing')).toMatchObject({ stop: true })
    expect(judge(3, 'nothing').record.samplingOnToName).toBeUndefined()
    // A pass needs no line.
    const flat = judgeLook({
      samples: samples(31, () => 4e6),
      index: 0,
      count: 4,
      atSec: 30,
      limits: heapLimit,
      requestsPerSec: 200,
      heapNamed: 'nothing'
    })
    expect(flat.stop).toBe(true)
  })

  it("stops on a staircase whose container the profile names, though no line clears the profile's noise", () => {
    // A buffer doubling from 256 KiB as 128 B a request at 200 requests/s fill it (2 MiB at 31 s, 4 MiB at 72 s):
    // one array replaced by a larger is a count of one, within the noise model's reach.
    const doubling = (t: number) => 2 ** Math.ceil(Math.log2(Math.max(25_600 * (t + 10), 262_144)))
    const first = lookOf4(samples(31, doubling), 0)
    const confirm = (heapNamed: HeapNamed) =>
      lookOf4(samples(61, doubling), 1, { heapNamed, previous: first.record })
    expect(confirm('container').record.decisions.heap).toMatchObject({
      outcome: 'fail',
      rule: 'grows-in-steps'
    })
    expect(confirm('container')).toMatchObject({ stop: true })
    expect(confirm('container').record.samplingOnToName).toBeUndefined()
    expect(confirm('nothing')).toMatchObject({ stop: false, record: { samplingOnToName: true } })
  })

  it('holds a heap fail that sampled on, though the next look would not fail it', () => {
    // 30 s of a leak, then 30 s flat: the second look, judged afresh, would not fail.
    const leakThenFlat = samples(61, (t) => 4e6 + 51_200 * Math.min(t, 30))
    const failed = { outcome: 'fail', rule: 'above-limit' } as const
    const second = (heapFailed?: typeof failed, heapNamed: HeapNamed = 'nothing') =>
      lookOf4(leakThenFlat, 1, { heapNamed, heapFailed })
    expect(second().record.decisions.heap?.outcome).not.toBe('fail')
    expect(second(failed)).toMatchObject({
      stop: false,
      record: { decisions: { heap: failed }, samplingOnToName: true }
    })
    expect(second(failed, 'line')).toMatchObject({ stop: true, record: { decisions: { heap: failed } } })
  })

  it('samples on while growth straddles the limit', () => {
    const atLimit = (t: number) => 4e6 + perMin(512 * KiB) * t
    const first = look(samples(31, atLimit), 0, 4, limits(perSecond(perMin(512 * KiB))))
    expect(first.stop).toBe(false)
    expect(first.record.decisions.heap).toEqual({ outcome: 'continue', rule: 'straddles' })
  })

  it('turns a per-request limit into a rate with the requests so far', () => {
    const r = look(
      samples(31, () => 4e6),
      0,
      1,
      limits({ value: 64, per: 'request' }),
      250
    )
    expect(r.record.limitsPerSec.heap).toBe(64 * 250)
    expect(limitPerSec({ value: 64, per: 'request' }, null)).toBeNull()
  })

  it('is inconclusive at the last look when the answer is still open, and judges nothing without limits', () => {
    const atLimit = (t: number) => 4e6 + perMin(512 * KiB) * t
    const last = look(samples(31, atLimit), 3, 4, limits(perSecond(perMin(512 * KiB))))
    expect(last.stop).toBe(true)
    expect(last.record.decisions.heap).toEqual({ outcome: 'inconclusive', rule: 'straddles' })
    const unjudged = look(samples(31, atLimit), 0, 4, limits(null))
    expect(unjudged.stop).toBe(true)
    // No look could send the run on: the bounds are read at one look's z.
    expect(unjudged.record).toMatchObject({ index: 0, count: 1, decisions: {} })
  })
})

describe('judgeGrowth', () => {
  const record = (outcome: LookRecord['decisions']['heap']): LookRecord => ({
    index: 0,
    count: 4,
    atSec: 30,
    decisions: { heap: outcome },
    limitsPerSec: { heap: perMin(512 * KiB) }
  })
  const run = (look: LookRecord): Run => ({
    side: 'head',
    samples: [],
    trends: {
      heap: fittedTrend(perMin(3072 * KiB), perMin(2048 * KiB), perMin(4096 * KiB)),
      goroutines: null,
      rss: null
    },
    load: { kind: 'built-in', requests: 6000, errors: 0, achievedRatePerSec: 200 },
    sampleNotes: [],
    profilesDir: 'head',
    warmupSec: 15,
    durationSec: 30,
    ...runExtras({ looks: [look] })
  })

  it('judges a heap that sampled on to name its line at the look where it failed, with the trend it failed on', () => {
    const leakThenFlat = samples(61, (t) => 4e6 + 51_200 * Math.min(t, 30))
    const failed: LookRecord = { ...record({ outcome: 'fail', rule: 'above-limit' }), samplingOnToName: true }
    const named: LookRecord = { ...record({ outcome: 'fail', rule: 'above-limit' }), index: 1, atSec: 60 }
    const j = judgeGrowth(
      'heap',
      { ...run(named), samples: leakThenFlat, looks: [failed, named] },
      perSecond(perMin(512 * KiB))
    )
    expect(j).toMatchObject({ outcome: 'fail', rule: 'above-limit', limitPerSec: perMin(512 * KiB) })
    // The first 30 s: 51,200 B/s, not the run's 3 MiB/min.
    expect(j!.estimatePerSec).toBeCloseTo(51_200, -2)
    expect(j!.lowPerSec).toBeGreaterThan(perMin(512 * KiB))
  })

  it('carries the decision of the look the run stopped at, with the trend over the run', () => {
    const j = judgeGrowth(
      'heap',
      run(record({ outcome: 'fail', rule: 'above-limit' })),
      perSecond(perMin(512 * KiB))
    )
    expect(j).toEqual({
      outcome: 'fail',
      rule: 'above-limit',
      series: 'heap',
      against: 'limit',
      estimatePerSec: perMin(3072 * KiB),
      lowPerSec: perMin(2048 * KiB),
      highPerSec: perMin(4096 * KiB),
      latePerSec: perMin(3072 * KiB),
      confidence: 0.95,
      limitPerSec: perMin(512 * KiB),
      couldBeFill: true
    })
  })

  it('does not judge a series whose limit is off', () => {
    expect(judgeGrowth('heap', run(record({ outcome: 'pass', rule: 'upper-below-limit' })), null)).toBeNull()
  })
})

describe('combine', () => {
  it('takes the worst outcome and lists failures first', () => {
    const j = (outcome: 'pass' | 'fail' | 'inconclusive') =>
      ({ outcome, rule: 'straddles', series: 'heap', against: 'limit' }) as const
    const [pass, fail, open] = [j('pass'), j('fail'), j('inconclusive')]
    expect(combine([pass, null, fail, open])).toEqual({ verdict: 'fail', judgements: [fail, open, pass] })
  })

  it('passes when nothing is judged', () => {
    expect(combine([null, null]).verdict).toBe('pass')
  })
})

describe('judgeOnChange (absolute-limits: change)', () => {
  const limit = 8738
  const head: Judgement = {
    outcome: 'fail',
    rule: 'above-limit',
    series: 'heap',
    against: 'limit',
    estimatePerSec: 100_000,
    lowPerSec: 99_000,
    highPerSec: 101_000,
    latePerSec: 100_000,
    limitPerSec: limit
  }
  const baseGrows = { series: 'heap' as const, trend: fittedTrend(98_000, 97_000, 99_000) }
  const vsBase = (outcome: Judgement['outcome'], rule: Judgement['rule']): Judgement => ({
    outcome,
    rule,
    series: 'heap',
    against: 'base',
    limitPerSec: 4369
  })

  it('takes the outcome of head − base when the base exceeds the limit too', () => {
    expect(judgeOnChange(head, baseGrows, vsBase('pass', 'upper-below-limit'))).toMatchObject({
      outcome: 'pass',
      rule: 'base-grows-too',
      estimatePerSec: 100_000,
      basePerSec: 98_000,
      limitPerSec: limit
    })
    expect(judgeOnChange(head, baseGrows, vsBase('inconclusive', 'straddles'))).toMatchObject({
      outcome: 'inconclusive',
      rule: 'base-grows-too'
    })
  })

  it('keeps the fail when head − base fails, the base stays within the limit, or head − base was not judged', () => {
    expect(judgeOnChange(head, baseGrows, vsBase('fail', 'above-limit'))).toBe(head)
    expect(judgeOnChange(head, undefined, vsBase('pass', 'upper-below-limit'))).toBe(head)
    expect(judgeOnChange(head, baseGrows, undefined)).toBe(head)
    expect(judgeOnChange(head, baseGrows, vsBase('inconclusive', 'too-few-samples'))).toBe(head)
  })

  it('leaves a head that does not fail the limit as it is', () => {
    const passing: Judgement = { ...head, outcome: 'pass', rule: 'upper-below-limit' }
    expect(judgeOnChange(passing, baseGrows, vsBase('pass', 'upper-below-limit'))).toBe(passing)
  })

  it('matches each series with its own base growth and comparison', () => {
    const goroutines: Judgement = { ...head, series: 'goroutines' }
    const [h, g] = judgeEachOnChange([head, goroutines], [baseGrows], [vsBase('pass', 'upper-below-limit')])
    expect(h.rule).toBe('base-grows-too')
    expect(g).toBe(goroutines)
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
