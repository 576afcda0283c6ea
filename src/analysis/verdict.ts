// The verdict rule, applied at each look (looks.ts) while sampling goes on, and to the
// run once it stopped. Judgements are numbers; report/judgement.ts puts them in words.
import {
  JUDGED_SERIES,
  type BaseGrowth,
  type GrowthLimit,
  type JudgedSeries,
  type Judgement,
  type JudgementRule,
  type LookDecision,
  type LookRecord,
  type Run,
  type Sample,
  type Trend,
  type Verdict
} from '../model.js'
import type { HeapNamed } from './attribution.js'
import { reallocatingSite } from './container.js'
import { flatSince, growsAboveSince, levelledOff } from './levelled.js'
import { decideLook, lookZ } from './looks.js'
import type { Point } from './point.js'
import { seriesPoints } from './run.js'
import { trend } from './trend.js'

export type Limits = Record<JudgedSeries, GrowthLimit | null>

/** A limit per second; one per request at the rate the load achieved (null without a count). */
export function limitPerSec(limit: GrowthLimit, requestsPerSec: number | null): number | null {
  if (limit.per === 'second') return limit.value
  return requestsPerSec === null ? null : limit.value * requestsPerSec
}

export interface LookInput {
  samples: Sample[]
  index: number
  count: number
  atSec: number
  limits: Limits
  requestsPerSec: number | null
  /**
   * What the heap profile at this look names as growing (attribution.ts): a line clear of
   * its sampling noise, a container's arrays (a name for a heap that grows in steps), or
   * nothing; undefined when there is no profile (/metrics).
   */
  heapNamed?: HeapNamed
  /**
   * The heap's fail at an earlier look that sampled on to name its line: held at every look
   * after, since a fail is never taken back (the looks' error budget counts the first).
   */
  heapFailed?: LookDecision
  /** The look before this one: a fail there waits for this look to confirm it. */
  previous?: LookRecord
  /** Seconds of warm-up before sampling (the load ran through it): where a container's growth began. */
  warmupSec?: number
}

/**
 * One look: each series with a limit is judged on the samples so far, its bounds at the z
 * that splits the error budget over every look; sampling stops once each has an answer.
 */
export function judgeLook(look: LookInput): { record: LookRecord; stop: boolean } {
  const z = lookZ(look.count)
  const lastLook = look.index === look.count - 1
  const record: LookRecord = {
    index: look.index,
    count: look.count,
    atSec: look.atSec,
    decisions: {},
    limitsPerSec: {}
  }
  let heapInSteps = false
  for (const series of JUDGED_SERIES) {
    const limit = look.limits[series]
    const perSec = limit && limitPerSec(limit, look.requestsPerSec)
    if (perSec === null || perSec === undefined) continue
    record.limitsPerSec[series] = perSec
    const held = series === 'heap' ? look.heapFailed : undefined
    const points = seriesPoints(look.samples, series)
    const loadSinceSec = -(look.warmupSec ?? 0)
    const t = held ? null : trend(points, z, loadSinceSec)
    // Read only when a container is all the profile names (a held fail has no trend of its own).
    if (series === 'heap' && look.heapNamed === 'container')
      heapInSteps = (t ?? trend(points, z, loadSinceSec))?.steps?.staircase === true
    record.decisions[series] =
      held ??
      (t
        ? confirmed(decideLook({ trend: t, limitPerSec: perSec, lastLook }), {
            points,
            limitPerSec: perSec,
            z,
            lastLook,
            previous: look.previous,
            series,
            loadSinceSec
          })
        : { outcome: lastLook ? 'inconclusive' : 'continue', rule: 'too-few-samples' })
  }
  const decided = Object.values(record.decisions).every((d) => d.outcome !== 'continue')
  // A heap that fails before its line can be named samples on to the next look: a fail
  // ignored can only pass less, and the comment must point at the line. A staircase's
  // container names it (the judgement says where its arrays are allocated).
  const named = look.heapNamed !== 'nothing' && (look.heapNamed !== 'container' || heapInSteps)
  const samplingOnToName = decided && !lastLook && record.decisions.heap?.outcome === 'fail' && !named
  if (samplingOnToName) record.samplingOnToName = true
  const stop = decided && !samplingOnToName
  // Nothing judged (every limit off, a baseline alone decides): no look can send the run on,
  // so no error budget is spent on looks that cannot happen.
  if (Object.keys(record.decisions).length === 0) Object.assign(record, { index: 0, count: 1 })
  return { record, stop }
}

/**
 * A fail stands only when the growth has not levelled off by the next look: a cache that
 * grows in a straight line and stops dead (an LRU at capacity, a ring of the last N
 * records) is a leak until its corner, and only readings past the corner tell. A fail
 * before the last look waits for the next, and stands there unless the readings since
 * have levelled off, when that look fails too or the readings since grow above the limit
 * by themselves; at the last look, with nothing left to wait for, a fail stands unless
 * they already have levelled off. Readings since the look before that grow below the
 * limit by themselves pass: the flat part of a hockey stick.
 */
function confirmed(
  decision: LookDecision,
  c: {
    points: Point[]
    limitPerSec: number
    z: number
    lastLook: boolean
    previous: LookRecord | undefined
    series: JudgedSeries
    loadSinceSec: number
  }
): LookDecision {
  const pending = c.previous?.decisions[c.series]
  const waited = pending?.rule === 'confirming'
  if (decision.outcome === 'pass') return decision
  if (c.previous && flatSince(c.points, c.previous.atSec, c.limitPerSec, c.z, c.loadSinceSec))
    return { outcome: 'pass', rule: 'levelled-off' }
  if (decision.outcome !== 'fail' && !waited) return decision
  if (!waited && !c.lastLook) return { outcome: 'continue', rule: 'confirming', failRule: decision.rule }
  const sinceSec = c.previous?.atSec ?? 0
  if (levelledOff(c.points, sinceSec, c.limitPerSec, c.z, c.loadSinceSec))
    return { outcome: c.lastLook ? 'inconclusive' : 'continue', rule: 'levelled-off' }
  if (decision.outcome === 'fail') return decision
  // This look's own rule does not fail (the window now holds the corner of a fill, or a leak
  // beside it): the fail stands on readings since that still grow above the limit.
  return growsAboveSince(c.points, sinceSec, c.limitPerSec, c.z)
    ? { outcome: 'fail', rule: pending?.failRule ?? 'above-limit' }
    : decision
}

/** The look at which the heap failed and sampling went on to name its line, if any. */
export const heapFailedAt = (looks: LookRecord[]): LookRecord | undefined =>
  looks.find((l) => l.samplingOnToName)

/**
 * A run's judgement of one series: the decision of the look it stopped at, with the trend
 * over every sample up to it; for a heap that failed and sampled on to name its line, the
 * look where it failed, with the trend it failed on. null when the series has no limit.
 */
export function judgeGrowth(series: JudgedSeries, run: Run, limit: GrowthLimit | null): Judgement | null {
  const failedAt = series === 'heap' ? heapFailedAt(run.looks) : undefined
  const last = failedAt ?? run.looks.at(-1)
  const decision = last?.decisions[series]
  const limitPerSec = last?.limitsPerSec[series]
  if (!limit || !decision || limitPerSec === undefined) return null
  const outcome = decision.outcome === 'continue' ? 'inconclusive' : decision.outcome
  const t = failedAt
    ? trend(
        seriesPoints(
          run.samples.filter((s) => s.t <= failedAt.atSec),
          series
        ),
        lookZ(failedAt.count),
        -run.warmupSec
      )
    : run.trends[series]
  if (!t) return { outcome, rule: 'too-few-samples', series, against: 'limit' }
  return {
    outcome,
    rule: decision.rule,
    series,
    against: 'limit',
    ...trendNumbers(t),
    limitPerSec,
    ...(limit.per === 'request' ? { limitPerRequest: limit.value } : {}),
    ...(t.fill ? { fill: t.fill } : {}),
    ...(t.steps ? { steps: t.steps } : {}),
    ...containerOf(series, t, run),
    ...(outcome === 'fail' ? { couldBeFill: t.shape !== 'saturating' && t.steps?.staircase !== true } : {})
  }
}

/** For a heap that grows as a staircase: the site the profile shows reallocating, if any. */
function containerOf(series: JudgedSeries, t: Trend, run: Run): Pick<Judgement, 'container'> {
  const site = series === 'heap' && t.steps?.staircase ? reallocatingSite(run.attribution?.heap ?? []) : null
  if (!site) return {}
  const { function: fn, file, line, repoPath, inuseBytesGrowth, inuseObjectsGrowth } = site
  return {
    container: {
      function: fn,
      file,
      line,
      ...(repoPath ? { repoPath } : {}),
      inuseBytesGrowth,
      inuseObjectsGrowth
    }
  }
}

const trendNumbers = (t: Trend) => ({
  estimatePerSec: t.slopePerSec,
  lowPerSec: t.ciLow,
  highPerSec: t.ciHigh,
  latePerSec: t.lateSlopePerSec,
  confidence: t.confidence
})

/**
 * The rule for a difference (head − base) against the allowed increase: fail when the
 * whole interval and the late difference are above it, pass when the interval is below.
 */
export function judgeAgainst(
  low: number,
  high: number,
  lateEstimate: number,
  limit: number
): { outcome: Verdict; rule: JudgementRule } {
  if (low > limit && lateEstimate > limit) return { outcome: 'fail', rule: 'above-limit' }
  if (low > limit) return { outcome: 'inconclusive', rule: 'late-slope-below-limit' }
  if (high > limit) return { outcome: 'inconclusive', rule: 'straddles' }
  return { outcome: 'pass', rule: 'upper-below-limit' }
}

const RANK: Record<Verdict, number> = { fail: 2, inconclusive: 1, pass: 0 }

/** Worst outcome wins; judgements are listed worst first. */
export function combine(judgements: (Judgement | null)[]): { verdict: Verdict; judgements: Judgement[] } {
  const present = judgements.filter((j): j is Judgement => j !== null)
  const sorted = [...present].sort((a, b) => RANK[b.outcome] - RANK[a.outcome])
  return { verdict: sorted[0]?.outcome ?? 'pass', judgements: sorted }
}

/**
 * `absolute-limits: change`: the head's fail of an absolute limit the base exceeds too
 * (`baseGrows`, from comparison.ts's baseGrowth: the base judged by the same rule) stands
 * only when head − base (`vsBase`) fails its allowance; else it takes the outcome of
 * head − base, since a PR is judged on what it changes, and the base branch's own run is
 * where the growth both share fails.
 */
export function judgeOnChange(
  head: Judgement,
  baseGrows: BaseGrowth | undefined,
  vsBase: Judgement | undefined
): Judgement {
  const changeJudged = vsBase !== undefined && vsBase.rule !== 'too-few-samples'
  if (head.outcome !== 'fail' || !baseGrows || !changeJudged || vsBase.outcome === 'fail') return head
  return { ...head, outcome: vsBase.outcome, rule: 'base-grows-too', basePerSec: baseGrows.trend.slopePerSec }
}

/** judgeOnChange for each judgement against an absolute limit, matched by series. */
export function judgeEachOnChange(
  againstLimits: Judgement[],
  baseGrows: BaseGrowth[],
  vsBase: Judgement[]
): Judgement[] {
  return againstLimits.map((j) =>
    judgeOnChange(
      j,
      baseGrows.find((g) => g.series === j.series),
      vsBase.find((v) => v.series === j.series)
    )
  )
}

/** Whether the verdict fails the check under `fail-on`. */
export function failsGate(verdict: Verdict, failOn: 'fail' | 'inconclusive' | 'never'): boolean {
  if (failOn === 'never') return false
  return verdict === 'fail' || (failOn === 'inconclusive' && verdict === 'inconclusive')
}
