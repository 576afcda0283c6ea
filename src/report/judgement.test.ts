import {
  failWithBaselineReport,
  fittedTrend,
  heapSite,
  makeReport,
  NO_SPREAD,
  runExtras
} from '../../test/fixtures/reports.js'
import { compareRuns, nothingJudged } from '../analysis/comparison.js'
import type { BaseGrowth, HeapSite, Judgement, Report, Run, Trend } from '../model.js'
import {
  causeFirst,
  describeComparison,
  confidenceText,
  describeBaseGrowth,
  describeDetectable,
  describeJudgement,
  describeLook,
  describeStop,
  summarizeGrowth
} from './judgement.js'

const KiB = 1024
const perMin = (v: number) => v / 60
const t = (slope: number, low: number, high: number, late = slope, more: Partial<Trend> = {}): Trend =>
  fittedTrend(perMin(slope), perMin(low), perMin(high), perMin(late), more)
const run = (side: 'head' | 'base', heap: Trend, more: Partial<Run> = {}): Run => ({
  side,
  samples: [],
  trends: { heap, goroutines: t(0, 0, 0), rss: null },
  load: { kind: 'built-in', requests: 100, errors: 0, achievedRatePerSec: 10 },
  sampleNotes: [],
  profilesDir: side,
  warmupSec: 3,
  durationSec: 12,
  ...runExtras(more)
})
const judged = (rule: Judgement['rule'], trend: Trend, more: Partial<Judgement> = {}): Judgement => ({
  outcome: 'inconclusive',
  rule,
  series: 'heap',
  against: 'limit',
  estimatePerSec: trend.slopePerSec,
  lowPerSec: trend.ciLow,
  highPerSec: trend.ciHigh,
  latePerSec: trend.lateSlopePerSec,
  confidence: trend.confidence,
  limitPerSec: perMin(1024 * KiB),
  ...more
})

describe('describeJudgement', () => {
  it('says what grows, how fast, with its interval and its confidence, against the limit', () => {
    expect(describeJudgement(judged('above-limit', t(3072 * KiB, 2048 * KiB, 4096 * KiB)))).toBe(
      'live heap grows 3.00 MiB/min (95% CI 2.00 MiB/min to 4.00 MiB/min), limit 1.00 MiB/min'
    )
    const goroutines = t(12, 11, 13, 12, { confidence: 0.9875 })
    expect(
      describeJudgement(judged('above-limit', goroutines, { series: 'goroutines', limitPerSec: perMin(10) }))
    ).toBe('goroutines grow 12/min (98.8% CI 11/min to 13/min), limit 10/min')
  })

  it('says a staircase grows in steps, and what tells a straight line from a fill that stops', () => {
    const growth = t(1536 * KiB, 200 * KiB, 3072 * KiB, 0)
    const steps = { count: 3, staircase: true, nextStepDue: true, riseLowPerSec: perMin(1200 * KiB) }
    expect(describeJudgement(judged('grows-in-steps', growth, { outcome: 'fail', steps }))).toMatch(
      /limit 1\.00 MiB\/min: it grows in steps, as a map or buffer does each time it doubles its table or array, and was still growing at its last step$/
    )
    const container = {
      function: 'main.handle',
      file: '/src/svc/main.go',
      repoPath: 'svc/main.go',
      line: 40,
      inuseBytesGrowth: 2_406_652,
      inuseObjectsGrowth: 26
    }
    expect(
      describeJudgement(judged('grows-in-steps', growth, { outcome: 'fail', steps, container }))
    ).toMatch(
      /at its last step; main\.handle \(svc\/main\.go:40\) holds 2\.30 MiB more in 26 objects, the container's arrays$/
    )
    const line = t(3072 * KiB, 2048 * KiB, 4096 * KiB)
    // A slice that grows by 1.25 steps often enough to fail as a line: still said to grow in steps.
    expect(
      describeJudgement(
        judged('above-limit', line, { outcome: 'fail', steps, container, couldBeFill: false })
      )
    ).toMatch(/limit 1\.00 MiB\/min: it grows in steps, as a map or buffer does .* the container's arrays$/)
    expect(describeJudgement(judged('above-limit', line, { outcome: 'fail', couldBeFill: true }))).toMatch(
      /limit 1\.00 MiB\/min; a cache that fills in a straight line and then stops looks the same until it is full: if this is one, a warmup that covers the fill \(or a longer max-duration\) tells them apart$/
    )
    expect(describeJudgement(judged('levelled-off', line, { outcome: 'pass' }))).toBe(
      'live heap grew 3.00 MiB/min but levelled off, as a cache does once full: flat since the look before, within the limit 1.00 MiB/min'
    )
    expect(describeJudgement(judged('levelled-off', line))).toMatch(
      /until it levelled off before the next look could confirm it: a cache that filled\? lengthen warmup past the fill, or raise max-duration$/
    )
  })

  it('names each rule in the words a reader acts on', () => {
    const growth = t(3072 * KiB, 2048 * KiB, 4096 * KiB, 10 * KiB)
    expect(describeJudgement(judged('late-slope-below-limit', growth))).toMatch(
      /but only 10\.0 KiB\/min in the second half: a warm-up or a plateau\? Lengthen warmup$/
    )
    expect(describeJudgement(judged('straddles', t(900 * KiB, 100 * KiB, 1800 * KiB)))).toMatch(
      /straddles the limit 1\.00 MiB\/min; raise max-duration for a clear answer$/
    )
    expect(describeJudgement(judged('upper-below-limit', t(60 * KiB, -400 * KiB, 500 * KiB)))).toBe(
      'live heap 60.0 KiB/min, within the limit 1.00 MiB/min'
    )
    expect(describeJudgement(judged('late-upper-below-limit', growth))).toMatch(
      /^live heap grew 3\.00 MiB\/min but levelled off: 10\.0 KiB\/min over the second half, within the limit/
    )
    expect(
      describeJudgement(
        judged('saturating', growth, {
          fill: { plateau: 3 * KiB * KiB, tauSec: 41.6, remainingSlopePerSec: 0 }
        })
      )
    ).toMatch(
      /slowing down as a filling cache does \(heading for 3\.00 MiB, time constant 42s\), and still growing at max-duration/
    )
    expect(describeJudgement(judged('too-noisy', t(0, -4096 * KiB, 4096 * KiB)))).toMatch(
      /too noisy to judge/
    )
    expect(
      describeJudgement({
        outcome: 'inconclusive',
        rule: 'too-few-samples',
        series: 'heap',
        against: 'limit'
      })
    ).toBe('live heap: too few samples to fit a trend')
  })

  it('gives a per-request limit as the user wrote it', () => {
    const j = judged('above-limit', t(3072 * KiB, 2048 * KiB, 4096 * KiB), { limitPerRequest: 64 })
    expect(describeJudgement(j)).toMatch(/limit 1\.00 MiB\/min \(64 B\/request\)$/)
  })

  it('says head − base with signs and both sides, against the allowed increase', () => {
    const head = run('head', t(3000 * KiB, 2900 * KiB, 3100 * KiB))
    const base = run('base', t(0, -10 * KiB, 10 * KiB))
    const [heap] = compareRuns(
      head,
      base,
      { heap: perMin(256 * KiB), goroutines: null },
      NO_SPREAD
    ).judgements
    expect(describeJudgement(heap)).toMatch(
      /^live heap grows \+2\.93 MiB\/min over the base \(95% CI \+2\.\d+ MiB\/min to \+3\.\d+ MiB\/min; head 2\.93 MiB\/min, base 0 B\/min\), allowed increase 256 KiB\/min$/
    )
  })

  it('says why nothing could be judged', () => {
    expect(describeJudgement(nothingJudged(true))).toMatch(/no baseline/)
    expect(describeJudgement(nothingJudged(false))).toMatch(/every limit is off/)
  })
})

describe('confidenceText', () => {
  it('prints whole percents whole and the rest to a tenth', () => {
    expect(confidenceText(0.95)).toBe('95%')
    expect(confidenceText(0.9875)).toBe('98.8%')
  })
})

describe('describeBaseGrowth', () => {
  it('says the base grows, and on which ref', () => {
    const g: BaseGrowth = { series: 'heap', trend: t(3000 * KiB, 2900 * KiB, 3100 * KiB), ref: 'origin/main' }
    expect(describeBaseGrowth(g, false)).toMatch(
      /^the base grows too: live heap 2\.93 MiB\/min .* on origin\/main;/
    )
    expect(describeBaseGrowth(g, false)).not.toMatch(/own run/)
  })

  it("with absolute-limits: change, says that the base branch's own run is where it fails", () => {
    const g: BaseGrowth = { series: 'heap', trend: t(3000 * KiB, 2900 * KiB, 3100 * KiB) }
    expect(describeBaseGrowth(g, true)).toMatch(
      /predates this change; it fails the base branch's own run \(`baseline: none`, e\.g\. on push to the base branch\), not this PR/
    )
  })
})

describe('base-grows-too', () => {
  const j: Judgement = {
    outcome: 'pass',
    rule: 'base-grows-too',
    series: 'heap',
    against: 'limit',
    estimatePerSec: 200 * KiB,
    lowPerSec: 190 * KiB,
    highPerSec: 210 * KiB,
    latePerSec: 200 * KiB,
    limitPerSec: (512 * KiB) / 60,
    confidence: 0.95,
    basePerSec: 198 * KiB
  }

  it('says the head is above the limit as the base is, and that the change is what is judged', () => {
    expect(describeJudgement(j)).toBe(
      'live heap grows 11.7 MiB/min (95% CI 11.1 MiB/min to 12.3 MiB/min), above the limit 512 KiB/min, as the base does (11.6 MiB/min): judged on what this change adds over the base'
    )
    expect(describeJudgement({ ...j, outcome: 'inconclusive' })).toMatch(
      /adds over the base, which is not clear yet$/
    )
  })

  it('summarises the growth as above the limit, as the base', () => {
    const report = { ...failWithBaselineReport(), judgements: [j] }
    expect(summarizeGrowth(report)[0]).toMatchObject({ outcome: 'pass' })
    expect(summarizeGrowth(report)[0].text).toMatch(
      /^live heap grows 11\.7 MiB\/min .*above the limit 512 KiB\/min.*, as the base does \(11\.6 MiB\/min\)$/
    )
  })
})

describe('looks and what a run could catch', () => {
  const look = (index: number, count: number) => ({
    index,
    count,
    atSec: 30 * (index + 1),
    decisions: {
      heap: { outcome: index === count - 1 ? 'inconclusive' : 'pass', rule: 'straddles' } as const
    },
    limitsPerSec: { heap: perMin(512 * KiB) }
  })

  it('tells the log what each look decided', () => {
    expect(describeLook(look(0, 4), true)).toBe('look 1 of 4 at 30.0s: live heap pass (straddles); stop')
  })

  it('says where sampling stopped and why', () => {
    expect(describeStop(run('head', t(0, 0, 0), { looks: [look(0, 4)] }))).toBe(
      'Stopped after 30s of sampling (look 1 of 4): every limit had a clear answer.'
    )
    expect(
      describeStop(run('head', t(0, 0, 0), { looks: [look(0, 4), look(1, 4), look(2, 4), look(3, 4)] }))
    ).toBe('Stopped at max-duration, after 120s of sampling (look 4 of 4): the growth was still unclear.')
  })

  it('says when a failing heap sampled on to name its line', () => {
    const fail = { outcome: 'fail', rule: 'above-limit' } as const
    const first = { ...look(0, 4), decisions: { heap: fail }, samplingOnToName: true }
    expect(describeLook(first, false)).toBe(
      "look 1 of 4 at 30.0s: live heap fail (above limit); sample on until a line of the service grows past the heap profile's sampling noise"
    )
    const second = { ...look(1, 4), decisions: { heap: fail } }
    expect(describeStop(run('head', t(0, 0, 0), { looks: [first, second] }))).toBe(
      'Stopped after 60s of sampling (look 2 of 4): every limit had a clear answer. The heap failed at look 1 (30s); sampling went on to name its line.'
    )
  })

  it('gives the smallest catchable leak per request, and goroutines as one per so many requests', () => {
    const r = run('head', t(0, 0, 0), {
      detectable: {
        heap: { perSec: 9200, perMin: 9200 * 60, perRequest: 46, limitPerRequest: 43.7 },
        goroutines: { perSec: 0.25, perMin: 0.25 * 60, perRequest: 0.00125, limitPerRequest: 0.0008 }
      }
    })
    expect(describeDetectable(r)).toBe(
      'This run would catch a heap leak of ≥ 539 KiB/min (46 B/request) and a goroutine leak of ≥ 15/min (1 per 800 requests); less than 44 B/request of heap passes by design.'
    )
  })
})

describe('describeComparison', () => {
  const withComparison = (comparison: Report['comparison'], repeats = '1'): Report => {
    const r = failWithBaselineReport()
    return { ...r, config: { ...r.config, repeats }, comparison: { ...r.comparison, ...comparison } }
  }

  it('says how the pairs ran, and which were added while head − base was unclear', () => {
    const lines = describeComparison(withComparison({ pairs: 3, order: 'abba' }, '1'))
    expect(lines[0]).toBe(
      '3 pairs in ABBA order (base, head, head, base, …), 2 added while head − base was unclear; the last pair is not balanced by another, so a steady drift of the machine is cut, not cancelled.'
    )
    expect(describeComparison(withComparison({ pairs: 2, order: 'abba' }, '2'))[0]).toBe(
      '2 pairs in ABBA order (base, head, head, base, …).'
    )
  })

  it('names a spread estimated from the pairs', () => {
    const r = withComparison({ pairs: 2, order: 'abba' }, '2')
    r.comparison!.heap = { ...r.comparison!.heap!, runSpreadPerSec: 1024 / 60, runSpreadFrom: 'repeats' }
    expect(describeComparison(r)[1]).toMatch(/live heap ±1\.00 KiB\/min a run \(estimated from the pairs\)/)
  })

  it('says why a stored baseline is allowed a wider spread', () => {
    const r = withComparison({ baseline: 'stored', pairs: undefined, order: undefined })
    r.comparison!.heap = { ...r.comparison!.heap!, baseRunSpreadPerSec: 4096 / 60 }
    expect(describeComparison(r)[0]).toMatch(
      /^The base is a report\.json of another run: .* at least twice baseline-noise-floor: 4\.00 KiB\/min \(live heap\)/
    )
  })

  it('says nothing for a report without the spread (made before it)', () => {
    const r = failWithBaselineReport()
    delete r.comparison!.confidence
    expect(describeComparison(r)).toEqual([])
  })
})

describe('plural agreement', () => {
  it('says goroutines grow, the live heap grows', () => {
    const goroutines = judged('above-limit', t(570, 540, 600), {
      series: 'goroutines',
      limitPerSec: perMin(10)
    })
    expect(describeJudgement(goroutines)).toMatch(/^goroutines grow 570\/min \(/)
    expect(describeJudgement(judged('above-limit', t(3072 * KiB, 2048 * KiB, 4096 * KiB)))).toMatch(
      /^live heap grows 3\.00 MiB\/min \(/
    )
  })
})

describe('the cause first', () => {
  /**
   * A goroutine leak: goroutines fail 3× over their limit, the heap 5× over; by their own
   * records alone, the gate charges the heap to them (analysis/goroutines-own.ts).
   */
  const goroutineLeak = (heapSites: HeapSite[], heapRule: Judgement['rule'] = 'above-limit'): Report => {
    const report = makeReport()
    const heap = report.judgements[0]
    const charged = heapRule === 'goroutines-own-memory'
    report.judgements = [
      { ...heap, estimatePerSec: 5 * heap.limitPerSec!, rule: heapRule, outcome: charged ? 'pass' : 'fail' },
      {
        ...heap,
        series: 'goroutines',
        estimatePerSec: 0.5,
        lowPerSec: 0.4,
        highPerSec: 0.6,
        latePerSec: 0.5,
        limitPerSec: 1 / 6
      }
    ]
    report.runs.head.attribution!.heap = heapSites
    report.runs.head.attribution!.goroutines = [
      {
        function: 'main.awaitResult',
        file: '/src/main.go',
        line: 20,
        callPath: [],
        countGrowth: 30,
        perSec: 0.5,
        count: 40
      }
    ]
    return report
  }
  const records = heapSite({ function: 'runtime.systemstack', kind: 'goroutines', repoPath: undefined })

  it("puts goroutines first when the heap grows by the goroutines' own memory only", () => {
    const report = goroutineLeak([records], 'goroutines-own-memory')
    expect(causeFirst(report).map((j) => j.series)).toEqual(['goroutines', 'heap'])
    const [first, second] = summarizeGrowth(report)
    expect(first.series).toBe('goroutines')
    expect(second.text).toMatch(
      /, above the limit 1\.00 MiB\/min \(.*\): the piled-up goroutines' own memory$/
    )
    expect(describeJudgement(report.judgements[0], 'fail')).toMatch(
      /charged to the goroutines that pile up, not a leak of its own$/
    )
  })

  it('puts what grows most against its limit first when the heap has a line of its own', () => {
    const report = goroutineLeak([records, heapSite()])
    expect(causeFirst(report).map((j) => j.series)).toEqual(['heap', 'goroutines'])
    expect(summarizeGrowth(report)[0].text).not.toMatch(/own memory/)
  })
})
