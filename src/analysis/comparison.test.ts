import type { Attribution, Judgement, Run, Trend } from '../model.js'
import { fittedTrend as trend, NO_SPREAD, runExtras } from '../../test/fixtures/reports.js'
import {
  baseGrowth,
  compareRuns,
  comparisonZ,
  needsAnotherPair,
  newInHead,
  nothingJudged,
  slopeDifference,
  STORED_FLOOR_FACTOR,
  type IncreaseLimits,
  type SpreadOptions
} from './comparison.js'
import { lookZ } from './looks.js'
import { combineRepeats } from './repeats.js'
import { trend as fit, trendBlocks } from './trend.js'

const KiB_MIN = 1024 / 60 // bytes per second in 1 KiB/min

function run(side: 'head' | 'base', heap: Trend | null, goroutines: Trend | null = trend(0, 0, 0)): Run {
  return {
    side,
    samples: [],
    trends: { heap, goroutines, rss: null },
    load: { kind: 'built-in', requests: 100, errors: 0, achievedRatePerSec: 10 },
    sampleNotes: [],
    profilesDir: `profiles/${side}`,
    warmupSec: 3,
    durationSec: 12,
    ...runExtras()
  }
}

const noLimits = { heap: null, goroutines: null }
const Z_95 = NO_SPREAD.z
const compare = (head: Run, base: Run, limits: IncreaseLimits) => compareRuns(head, base, limits, NO_SPREAD)

describe('slopeDifference', () => {
  it('adds the half-widths in quadrature, each bound from the sides that move it', () => {
    const d = slopeDifference(trend(10, 8, 13), trend(4, 3, 6))
    expect(d.diffPerSec).toBe(6)
    expect(d.ciLow).toBeCloseTo(6 - Math.hypot(10 - 8, 6 - 4), 12)
    expect(d.ciHigh).toBeCloseTo(6 + Math.hypot(13 - 10, 4 - 3), 12)
  })

  it('is centred on zero, √2 wider than either, for two equal runs', () => {
    const d = slopeDifference(trend(5, 4, 6), trend(5, 4, 6))
    expect(d.diffPerSec).toBe(0)
    expect(d.ciLow).toBeCloseTo(-Math.SQRT2, 12)
    expect(d.ciHigh).toBeCloseTo(Math.SQRT2, 12)
  })
})

describe('compareRuns', () => {
  const limit = { heap: 256 * KiB_MIN, goroutines: 5 / 60 }

  it('fails a head that grows faster than the base by more than allowed, with confidence', () => {
    const head = run('head', trend(3000 * KiB_MIN, 2900 * KiB_MIN, 3100 * KiB_MIN))
    const base = run('base', trend(0, -10 * KiB_MIN, 10 * KiB_MIN))
    const { comparison, judgements } = compare(head, base, limit)
    expect(comparison.heap?.diffPerSec).toBeCloseTo(3000 * KiB_MIN)
    expect(comparison.heap?.limitPerSec).toBe(limit.heap)
    expect(judgements[0].outcome).toBe('fail')
    expect(judgements[0]).toMatchObject({
      rule: 'above-limit',
      series: 'heap',
      against: 'base',
      estimatePerSec: 3000 * KiB_MIN,
      limitPerSec: limit.heap,
      headPerSec: 3000 * KiB_MIN,
      basePerSec: 0
    })
    expect(judgements[1].outcome).toBe('pass')
  })

  it('passes a head that leaks exactly as much as its base', () => {
    const leak = trend(3000 * KiB_MIN, 2900 * KiB_MIN, 3100 * KiB_MIN)
    const { judgements } = compare(run('head', leak), run('base', leak), limit)
    expect(judgements.map((j) => j.outcome)).toEqual(['pass', 'pass'])
  })

  it('is inconclusive when the interval straddles the allowed increase', () => {
    const head = run('head', trend(300 * KiB_MIN, 100 * KiB_MIN, 500 * KiB_MIN))
    const { judgements } = compare(head, run('base', trend(0, -5, 5)), limit)
    expect(judgements[0]).toMatchObject({
      outcome: 'inconclusive',
      rule: 'straddles'
    })
  })

  it('is inconclusive when the difference is gone in the second half (a slower warm-up)', () => {
    const head = run('head', trend(1000 * KiB_MIN, 900 * KiB_MIN, 1100 * KiB_MIN, 0))
    const { judgements } = compare(head, run('base', trend(0, -5, 5)), limit)
    expect(judgements[0]).toMatchObject({
      outcome: 'inconclusive',
      rule: 'late-slope-below-limit'
    })
  })

  it('shows but does not judge a series whose increase limit is off', () => {
    const { comparison, judgements } = compare(run('head', trend(9, 8, 10)), run('base', trend(0, -1, 1)), {
      heap: null,
      goroutines: limit.goroutines
    })
    expect(comparison.heap?.limitPerSec).toBeNull()
    expect(judgements).toHaveLength(1)
  })

  it('cannot compare a series without a trend on both sides', () => {
    const { comparison, judgements } = compare(run('head', null), run('base', trend(0, -1, 1)), limit)
    expect(comparison.heap).toBeUndefined()
    expect(judgements[0]).toMatchObject({
      outcome: 'inconclusive',
      rule: 'too-few-samples'
    })
  })
})

describe('per request', () => {
  const leak = (perSec: number) => trend(perSec, perSec * 0.95, perSec * 1.05)

  it('compares per request when the rates differ by more than 5%', () => {
    // 256 B/request: 51,200 B/s at 200 requests/s, 40,960 B/s at 160.
    const head = { ...run('head', leak(51_200)), requestsPerSec: 200 }
    const base = { ...run('base', leak(40_960)), requestsPerSec: 160 }
    const { comparison, judgements } = compare(head, base, { heap: 256 * KiB_MIN, goroutines: null })
    expect(comparison.perRequest).toEqual({ headRequestsPerSec: 200, baseRequestsPerSec: 160 })
    expect(comparison.heap!.diffPerSec).toBeCloseTo(0, 6)
    expect(judgements[0].outcome).toBe('pass')
  })

  it('compares per second within 5%', () => {
    const head = { ...run('head', leak(51_200)), requestsPerSec: 200 }
    const base = { ...run('base', leak(51_200)), requestsPerSec: 195 }
    const { comparison } = compare(head, base, { heap: 256 * KiB_MIN, goroutines: null })
    expect(comparison.perRequest).toBeUndefined()
    expect(comparison.heap!.diffPerSec).toBe(0)
  })
})

describe('baseGrowth', () => {
  const leak = trend(3000 * KiB_MIN, 2900 * KiB_MIN, 3100 * KiB_MIN)

  it('says that the base grows, against the allowed increase when the absolute limits are off', () => {
    const base = { ...run('base', leak), ref: 'origin/main' }
    expect(baseGrowth(base, noLimits, { heap: 256 * KiB_MIN, goroutines: null })).toEqual([
      { series: 'heap', trend: leak, ref: 'origin/main' }
    ])
  })

  it('uses the absolute limit when set, and says nothing of a base within it', () => {
    expect(
      baseGrowth(
        run('base', leak),
        { heap: { value: 4000 * KiB_MIN, per: 'second' }, goroutines: null },
        noLimits
      )
    ).toEqual([])
  })
})

describe('nothingJudged', () => {
  it('is inconclusive, never a silent pass', () => {
    expect(nothingJudged(true)).toMatchObject({
      outcome: 'inconclusive',
      baselineMissing: true
    })
    expect(nothingJudged(false).outcome).toBe('inconclusive')
  })
})

describe('newInHead', () => {
  const site = (fn: string, withinNoise = false) => ({
    function: fn,
    file: `/tmp/${fn}.go`,
    line: 1,
    callPath: [],
    inuseBytesGrowth: 1,
    inuseObjectsGrowth: 1,
    bytesPerSec: 1,
    withinNoise
  })
  const attribution = (...sites: ReturnType<typeof site>[]): Attribution => ({ heap: sites, goroutines: [] })

  it('names what grows in the head and not in the base, matched by function', () => {
    const head = attribution(site('main.handle'), site('main.cache'), site('main.noise', true))
    const base = attribution(site('main.cache'))
    expect(newInHead(head, base)).toEqual(['main.handle'])
  })

  it('leaves out the goroutine records: the goroutines themselves are named', () => {
    const head: Attribution = {
      heap: [{ ...site('runtime.systemstack'), kind: 'goroutines' }],
      goroutines: []
    }
    expect(newInHead(head, attribution())).toEqual([])
  })
})

describe('repeats', () => {
  const line = (t0: number, intercept: number, slope: number, n = 10) =>
    Array.from({ length: n }, (_, i) => ({ t: t0 + i, v: intercept + slope * i + (i % 3) * 0.5 }))

  it('pools pairs within each repeat only, so restarts at other levels do not bend the slope', () => {
    const pooled = trendBlocks([line(0, 0, 2), line(0, 1000, 2)])!
    expect(pooled.slopePerSec).toBeCloseTo(2, 0)
    const one = fit(line(0, 0, 2))!
    expect(pooled.ciHigh - pooled.ciLow).toBeLessThanOrEqual(one.ciHigh - one.ciLow)
  })

  it('keeps one Run per side, with each repeat slope beside the pooled trend', () => {
    const samples = (intercept: number) =>
      line(0, intercept, 100).map((p) => ({
        t: p.t,
        liveHeapBytes: p.v,
        liveHeapObjects: 1,
        goroutines: 5,
        rssBytes: null
      }))
    const a = { ...run('head', trend(100, 90, 110)), samples: samples(0) }
    const b = { ...run('head', trend(100, 90, 110)), samples: samples(5000), profilesDir: 'profiles/head-2' }
    const combined = combineRepeats([a, b])
    expect(combined.trends.heap!.slopePerSec).toBeCloseTo(100, -1)
    expect(combined.trends.heap!.n).toBe(20)
    expect(combined.repeats?.map((r) => r.profilesDir)).toEqual(['profiles/head', 'profiles/head-2'])
    expect(combined.samples).toBe(a.samples)
    expect(combineRepeats([a])).toBe(a)
  })
})

describe('run-to-run spread', () => {
  const limit = { heap: 256 * KiB_MIN, goroutines: null }
  const floor = (heap: number, storedBase = false, z = Z_95): SpreadOptions => ({
    floorPerSec: { heap, goroutines: 0 },
    storedBase,
    z
  })
  /** A run of `slopes.length` repeats, each with standard error `se`. */
  const repeated = (side: 'head' | 'base', slopes: number[], se: number): Run => {
    const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length
    return {
      ...run(
        side,
        trend(
          mean,
          mean - (Z_95 * se) / Math.sqrt(slopes.length),
          mean + (Z_95 * se) / Math.sqrt(slopes.length)
        )
      ),
      repeats: slopes.map((s, i) => ({
        slopePerSec: { heap: s, goroutines: 0, rss: null },
        sePerSec: { heap: se, goroutines: 0, rss: null },
        profilesDir: `profiles/${side}-${i + 1}`
      }))
    }
  }

  it('adds the floor of each run to the interval: τ²/1 a side beside the two half-widths', () => {
    const [head, base] = [run('head', trend(100, 80, 120)), run('base', trend(0, -20, 20))]
    const c = compareRuns(head, base, limit, floor(30)).comparison
    expect(c.heap!.ciLow).toBeCloseTo(100 - Math.sqrt(20 ** 2 + 20 ** 2 + Z_95 ** 2 * 2 * 30 ** 2), 9)
    expect(c.heap!.ciHigh).toBeCloseTo(100 + Math.sqrt(20 ** 2 + 20 ** 2 + Z_95 ** 2 * 2 * 30 ** 2), 9)
    expect(c.heap).toMatchObject({ runSpreadPerSec: 30, baseRunSpreadPerSec: 30, runSpreadFrom: 'floor' })
    expect(c).toMatchObject({ pairs: 1, order: 'base-head', baseline: 'merge-base' })
  })

  it('turns a difference the runs alone call a leak into an unclear one when runs differ that much', () => {
    // 6 KiB/min apart, each run ±2 KiB/min: a false alarm at 4 KiB/min without the spread.
    const [head, base] = [
      run('head', trend(6 * KiB_MIN, 4 * KiB_MIN, 8 * KiB_MIN)),
      run('base', trend(0, -2 * KiB_MIN, 2 * KiB_MIN))
    ]
    const tight = { heap: 2 * KiB_MIN, goroutines: null }
    expect(compareRuns(head, base, tight, floor(0)).judgements[0].outcome).toBe('fail')
    expect(compareRuns(head, base, tight, floor(3 * KiB_MIN)).judgements[0].outcome).toBe('inconclusive')
  })

  it('estimates τ from the repeats of both sides when they spread more than the floor', () => {
    const head = repeated('head', [100, 140, 60], 1)
    const base = repeated('base', [0, 40, -40], 1)
    const c = compareRuns(head, base, limit, floor(5)).comparison
    // Each side: sample variance 1600, within 1 → τ² = 1599.
    expect(c.heap!.runSpreadFrom).toBe('repeats')
    expect(c.heap!.runSpreadPerSec).toBeCloseTo(Math.sqrt(1599), 6)
    expect(c.heap!.ciHigh - c.heap!.diffPerSec).toBeCloseTo(
      Math.sqrt(2 * (Z_95 / Math.sqrt(3)) ** 2 + Z_95 ** 2 * ((2 * 1599) / 3)),
      6
    )
    expect(c).toMatchObject({ pairs: 3, order: 'abba' })
  })

  it('keeps the floor when the repeats agree more closely than runs do', () => {
    const c = compareRuns(
      repeated('head', [10, 10.1], 1),
      repeated('base', [0, 0.1], 1),
      limit,
      floor(50)
    ).comparison
    expect(c.heap).toMatchObject({ runSpreadPerSec: 50, runSpreadFrom: 'floor' })
  })

  it('widens the base of a stored report to twice the floor, and says it is stored', () => {
    const c = compareRuns(
      run('head', trend(0, -1, 1)),
      run('base', trend(0, -1, 1)),
      limit,
      floor(10, true)
    ).comparison
    expect(c.heap).toMatchObject({ runSpreadPerSec: 10, baseRunSpreadPerSec: STORED_FLOOR_FACTOR * 10 })
    expect(c.baseline).toBe('stored')
    expect(c.order).toBeUndefined()
  })

  it("does not average a stored base's extra spread over its repeats: another day shifts them all", () => {
    const c = compareRuns(
      repeated('head', [0, 0, 0], 1),
      repeated('base', [0, 0, 0], 1),
      limit,
      floor(10, true)
    ).comparison
    // τ₀² a run of each side over its 3 repeats, plus (2τ₀)² − τ₀² once.
    expect(c.heap!.ciHigh).toBeCloseTo(
      Math.sqrt(2 * (Z_95 / Math.sqrt(3)) ** 2 + Z_95 ** 2 * ((2 * 100) / 3 + (400 - 100))),
      6
    )
  })

  it('reads the runs at the comparison z, whatever z their own looks used', () => {
    const z = comparisonZ(1, 3)
    const c = compareRuns(
      run('head', trend(0, -Z_95, Z_95)),
      run('base', trend(0, -Z_95, Z_95)),
      limit,
      floor(0, false, z)
    )
    expect(c.comparison.heap!.ciHigh).toBeCloseTo(z * Math.SQRT2, 9)
    expect(c.judgements[0].confidence).toBeCloseTo(1 - (2 * 0.025) / 3, 4)
  })
})

describe('comparisonZ', () => {
  it('splits the budget over the pairs at which head − base may stop', () => {
    expect(comparisonZ(1, 1)).toBeCloseTo(Z_95, 6)
    expect(comparisonZ(2, 2)).toBeCloseTo(Z_95, 6)
    expect(comparisonZ(1, 3)).toBeCloseTo(lookZ(3), 9)
    expect(comparisonZ(2, 5)).toBeCloseTo(lookZ(4), 9)
  })
})

describe('needsAnotherPair', () => {
  const j = (
    outcome: Judgement['outcome'],
    against: Judgement['against'],
    rule: Judgement['rule'] = 'straddles'
  ): Judgement => ({ outcome, against, rule, series: 'heap' })
  it('asks for one when head − base alone is unclear', () => {
    expect(needsAnotherPair([j('pass', 'limit'), j('inconclusive', 'base')])).toBe(true)
  })
  it('does not when the verdict is already a fail, or nothing is unclear against the base', () => {
    expect(needsAnotherPair([j('fail', 'limit'), j('inconclusive', 'base')])).toBe(false)
    expect(needsAnotherPair([j('inconclusive', 'limit'), j('pass', 'base')])).toBe(false)
  })
  it('does not when a side has too few samples: another pair would have as few', () => {
    expect(needsAnotherPair([j('inconclusive', 'base', 'too-few-samples')])).toBe(false)
  })
})
