// Judgements, looks and what a run could catch, in words: the one place a decision
// becomes a sentence.
import {
  JUDGED_SERIES,
  SERIES,
  type BaseGrowth,
  type JudgedSeries,
  type Judgement,
  type JudgementRule,
  type LookRecord,
  type Quiescence,
  type Report,
  type Run,
  type Verdict
} from '../model.js'
import { formatBytes, formatRate, formatSignedRate } from '../units.js'
import { describeLoadMissed } from './load-reach.js'

/**
 * A judgement as one sentence, for reasons in report.json, the comment and the terminal.
 * In a run that failed (`verdict`), a judgement without a clear answer decided nothing: it
 * says so instead of asking for a longer run.
 */
export function describeJudgement(j: Judgement, verdict?: Verdict): string {
  if (j.rule === 'load-missed-code' && j.loadReach) return describeLoadMissed(j.loadReach)
  if (j.rule === 'nothing-judged' || j.rule === 'load-missed-code' || j.series === null)
    return j.baselineMissing
      ? 'nothing to judge against: no baseline, and both absolute limits are off; set max-heap-growth or max-goroutine-growth'
      : 'nothing to judge against: every limit is off; set max-heap-growth, max-goroutine-growth or max-increase-over-baseline'
  const { label, unit } = SERIES[j.series]
  const vsBase = j.against === 'base'
  if (j.rule === 'too-few-samples')
    return `${label}: too few samples to ${vsBase ? 'compare head and base' : 'fit a trend'}`
  const rate = (v = NaN) => formatRate(v, unit)
  const shown = (v = NaN) => (vsBase ? formatSignedRate(v, unit) : rate(v))
  const ci = `${confidenceText(j.confidence)} CI`
  const measured = vsBase
    ? `${grows(j.series)} ${shown(j.estimatePerSec)} over the base (${ci} ${shown(j.lowPerSec)} to ${shown(j.highPerSec)}; head ${rate(j.headPerSec)}, base ${rate(j.basePerSec)})`
    : `${grows(j.series)} ${rate(j.estimatePerSec)} (${ci} ${rate(j.lowPerSec)} to ${rate(j.highPerSec)})`
  const limit = `${vsBase ? 'allowed increase' : 'limit'} ${limitText(j, null)}`
  // What to do for a clear answer, after `sep`; in a failed run, that this one decided nothing.
  const advice = verdict === 'fail' && j.outcome !== 'fail' ? null : adviceFor(j)
  const then = (sep: string, forAnswer = '') => (advice ? `${sep}${advice}${forAnswer}` : `; ${NOT_DECIDING}`)
  switch (j.rule) {
    case 'above-limit':
      return `${measured}, ${limit}${j.steps?.staircase ? `: ${IN_STEPS}${containerText(j)}` : j.couldBeFill ? COULD_BE_FILL : ''}`
    case 'grows-in-steps':
      return `${measured}, ${limit}: ${IN_STEPS}, and was still growing at its last step${containerText(j)}`
    case 'confirming':
      return `${measured}, above the ${limit}; sampling ended before the next look could confirm it`
    case 'levelled-off':
      return j.outcome === 'pass'
        ? `${label} grew ${shown(j.estimatePerSec)} but levelled off, as a cache does once full: flat since the look before, within the ${limit}`
        : `${measured}, above the ${limit} until it levelled off before the next look could confirm it: a cache that filled? ${LEVELLED_ADVICE}`
    case 'upper-below-limit':
      return `${label} ${shown(j.estimatePerSec)}${vsBase ? ' over the base' : ''}, within the ${limit}`
    case 'late-upper-below-limit':
      return `${label} grew ${shown(j.estimatePerSec)} but levelled off${j.fill ? ` as a fill does (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}: ${shown(j.latePerSec)} over the second half, within the ${limit}`
    case 'levels-off-below-limit':
      return `${grows(j.series)} ${rate(j.estimatePerSec)} as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}; what stays once it has filled grows less than the ${limit}`
    case 'saturating':
      return `${measured}, above the ${limit}, but slowing down as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}, and still growing at max-duration${then(': ')}`
    case 'late-slope-below-limit':
      return `${measured}, above the ${limit}, but only ${shown(j.latePerSec)} in the second half: a warm-up or a plateau? ${capitalized(advice ?? NOT_DECIDING)}`
    case 'too-noisy':
      return `${measured}: too noisy to judge against the ${limit}${then('; ')}`
    case 'straddles':
      return `${measured}: the interval straddles the ${limit}${then('; ', ' for a clear answer')}`
    case 'base-grows-too':
      return `${measured}, above the ${limit}, ${asTheBaseDoes(j)}: judged on what this change adds over the base${j.outcome === 'inconclusive' ? ', which is not clear yet' : ''}`
    case 'goroutines-own-memory':
      return `${measured}, above the ${limit}: ${GOROUTINES_OWN}, charged to the goroutines that pile up, not a leak of its own`
  }
}

/** Said of a heap that grew only by the runtime's records of the goroutines that pile up. */
const GOROUTINES_OWN = "the piled-up goroutines' own memory"

/** Said of an unclear judgement in a run that failed on another. */
const NOT_DECIDING = 'the fail rests on the judgements that failed, not on this one'

export const capitalized = (s: string) => s.replace(/^\w/, (c) => c.toUpperCase())

/** "; main.handle (main.go:40) holds 2.29 MiB more in 26 objects, the container's arrays". */
function containerText(j: Judgement): string {
  const c = j.container
  return c
    ? `; ${c.function} (${c.repoPath ?? c.file}:${c.line}) holds ${containerGrowth(c)}, the container's arrays`
    : ''
}

/** "2.29 MiB more in 26 objects", or "… in the arrays that replaced the last". */
export function containerGrowth(c: NonNullable<Judgement['container']>): string {
  const objects =
    c.inuseObjectsGrowth > 0 ? ` in ${c.inuseObjectsGrowth} objects` : ' in the arrays that replaced the last'
  return `${formatBytes(c.inuseBytesGrowth)} more${objects}`
}

const IN_STEPS = 'it grows in steps, as a map or buffer does each time it doubles its table or array'

const LEVELLED_ADVICE = 'lengthen warmup past the fill, or raise max-duration'

/** A fail on a straight line that never bent: what would tell it from a cache not yet full. */
const COULD_BE_FILL =
  '; a cache that fills in a straight line and then stops looks the same until it is full: if this is one, a warmup that covers the fill (or a longer max-duration) tells them apart'

/** What to change for a clearer answer, for the judgements that have no clear one. */
export function adviceFor(j: Judgement): string | null {
  const advice: Partial<Record<JudgementRule, string>> = {
    'too-noisy': `raise max-duration${j.against === 'base' ? ' or repeats' : ''}`,
    straddles: `raise max-duration${j.against === 'base' ? ' or repeats' : ''}`,
    saturating: 'raise max-duration, or warmup',
    'late-slope-below-limit': 'lengthen warmup',
    'too-few-samples': 'raise max-duration',
    'levelled-off': LEVELLED_ADVICE,
    confirming: 'raise max-duration'
  }
  return advice[j.rule] ?? null
}

/** One series' growth for the first screen: per minute and per request, against its limit. */
export interface GrowthSummary {
  series: JudgedSeries
  outcome: Verdict
  text: string
}

/**
 * The judgements, the cause first: those that decided the verdict, most over their limit
 * first; a heap that grows only by the goroutines' own memory after the goroutines.
 * Stable otherwise, so a report's own order stands between equals.
 */
export function causeFirst(report: Report): Judgement[] {
  const rank = (j: Judgement): number => {
    if (report.verdict === 'pass' || j.outcome !== report.verdict || j.series === null) return -2
    return j.estimatePerSec !== undefined && j.limitPerSec ? j.estimatePerSec / j.limitPerSec : 0
  }
  return [...report.judgements].sort((a, b) => rank(b) - rank(a))
}

/**
 * Each judged series' growth as its first (worst) judgement has it, the cause first: "live
 * heap grows 2.93 MiB/min (256 B/request), above the limit 512 KiB/min (44 B/request)".
 */
export function summarizeGrowth(report: Report): GrowthSummary[] {
  const rps = report.runs.head.requestsPerSec
  const seen = new Set<JudgedSeries>()
  const out: GrowthSummary[] = []
  // Each series as its first judgement has it; the series in the order of their causes.
  const order = causeFirst(report).map((j) => j.series)
  const judgements = [...report.judgements].sort((a, b) => order.indexOf(a.series) - order.indexOf(b.series))
  for (const j of judgements) {
    if (j.series === null || seen.has(j.series)) continue
    seen.add(j.series)
    const { unit } = SERIES[j.series]
    if (j.estimatePerSec === undefined || j.limitPerSec === undefined) {
      out.push({ series: j.series, outcome: j.outcome, text: describeJudgement(j) })
      continue
    }
    const vsBase = j.against === 'base'
    const rate = (v: number) => (vsBase ? formatSignedRate(v, unit) : formatRate(v, unit))
    const growth = `${grows(j.series)} ${rate(j.estimatePerSec)}${vsBase ? ' over the base' : ''}`
    const limit = `${vsBase ? 'allowed increase' : 'limit'} ${limitText(j, rps)}`
    // An unclear answer shows the interval it rests on.
    const against =
      j.rule === 'base-grows-too'
        ? `, above the ${limit}, ${asTheBaseDoes(j)}`
        : j.rule === 'goroutines-own-memory'
          ? `, above the ${limit}: ${GOROUTINES_OWN}`
          : j.outcome === 'inconclusive'
            ? ` (${confidenceText(j.confidence)} CI ${rate(j.lowPerSec ?? NaN)} to ${rate(j.highPerSec ?? NaN)}): unclear against the ${limit}`
            : `, ${j.outcome === 'fail' ? 'above' : 'within'} the ${limit}`
    out.push({
      series: j.series,
      outcome: j.outcome,
      text: `${growth}${share(j.series, rps && j.estimatePerSec / rps)}${against}`
    })
  }
  return out
}

/** 'base-grows-too': "as the base does (11.8 MiB/min)". */
const asTheBaseDoes = (j: Judgement): string =>
  `as the base does (${formatRate(j.basePerSec ?? NaN, SERIES[j.series as JudgedSeries].unit)})`

/** Verb agreement: "live heap grows", "goroutines grow". */
function grows(series: JudgedSeries): string {
  return `${SERIES[series].label} ${series === 'goroutines' ? 'grow' : 'grows'}`
}

/**
 * Growth per request: "256 B/request", "0.2 B/request"; goroutines as "1 per 57 requests",
 * to the request, so that a limit of 1/1234req reads as the user wrote it.
 */
function requestShare(series: JudgedSeries, each: number): string {
  if (SERIES[series].unit === 'count')
    return each > 0 && each < 1
      ? `1 per ${Math.round(1 / each)} requests`
      : `${Number(each.toPrecision(2))}/request`
  return `${Math.abs(each) < 10 ? `${Number(each.toPrecision(2))} B` : formatBytes(each)}/request`
}

/** " (256 B/request)", or nothing when there is no request count or no growth. */
const share = (series: JudgedSeries, each: number | null): string =>
  each === null || each === 0 ? '' : ` (${requestShare(series, each)})`

/**
 * A judgement's limit, from its numbers: "512 KiB/min (44 B/request)", "9.7/min (1 per 1234
 * requests)". Per request as the user gave it, else at `requestsPerSec` when known.
 */
function limitText(j: Judgement, requestsPerSec: number | null): string {
  const series = j.series as JudgedSeries
  const perSec = j.limitPerSec ?? NaN
  const each = j.limitPerRequest ?? (requestsPerSec ? perSec / requestsPerSec : null)
  return `${formatRate(perSec, SERIES[series].unit)}${share(series, each)}`
}

/** A limit as the user gave it, per request or per minute, from the judgement's numbers: the table's limit column. */
export function limitAsGiven(j: Judgement): string | null {
  if (j.series === null) return null
  if (j.limitPerRequest !== undefined) return requestShare(j.series, j.limitPerRequest)
  return j.limitPerSec === undefined ? null : formatRate(j.limitPerSec, SERIES[j.series].unit)
}

/** "95%", "98.8%": the two-sided confidence of an interval, to a tenth where it matters. */
export function confidenceText(confidence = NaN): string {
  const percent = 100 * confidence
  return `${Number.isInteger(Math.round(percent * 10) / 10) ? percent.toFixed(0) : percent.toFixed(1)}%`
}

/** An amount of a series: bytes in IEC units, goroutines as a count. */
function amount(series: JudgedSeries, value: number): string {
  return SERIES[series].unit === 'bytes' ? formatBytes(value) : `${Number(value.toPrecision(3))}`
}

const JUDGED: string[] = JUDGED_SERIES

/**
 * The notice for a series the base already grows in; `onChange` (absolute-limits: change):
 * where that growth fails instead of this PR.
 */
export function describeBaseGrowth(g: BaseGrowth, onChange: boolean): string {
  const { label, unit } = SERIES[g.series]
  const rate = (v: number) => formatRate(v, unit)
  const where = onChange
    ? "; it fails the base branch's own run (`baseline: none`, e.g. on push to the base branch), not this PR, unless the PR adds more than the allowed increase"
    : ''
  return `the base grows too: ${label} ${rate(g.trend.slopePerSec)} (${confidenceText(g.trend.confidence)} CI ${rate(g.trend.ciLow)} to ${rate(g.trend.ciHigh)})${g.ref ? ` on ${g.ref}` : ''}; that growth predates this change${where}`
}

/** A look, for the log: "look 1 of 4 at 30.0s: live heap pass (upper below limit); stop". */
export function describeLook(look: LookRecord, stop: boolean): string {
  const decisions = Object.entries(look.decisions ?? {})
    .filter(([series]) => series in SERIES)
    .map(
      ([series, d]) => `${SERIES[series as JudgedSeries].label} ${d.outcome} (${d.rule.replace(/-/g, ' ')})`
    )
  const what = decisions.length ? decisions.join(', ') : 'no limit to judge'
  const next = stop ? 'stop' : look.samplingOnToName ? SAMPLING_ON_TO_NAME : 'sample on'
  return `look ${look.index + 1} of ${look.count} at ${look.atSec.toFixed(1)}s: ${what}; ${next}`
}

const SAMPLING_ON_TO_NAME =
  "sample on until a line of the service grows past the heap profile's sampling noise"

/** Where sampling stopped and why; in a failed run (`verdict`), an unclear limit is one the fail does not rest on. */
export function describeStop(run: Run, verdict?: Verdict): string | null {
  // In comment mode the report is untrusted: a field left out must not crash the renderer.
  const looks = Array.isArray(run.looks) ? run.looks : []
  const last = looks.at(-1)
  if (!last) return null
  const at = `after ${Math.round(last.atSec)}s of sampling (look ${last.index + 1} of ${last.count})`
  const naming = looks.find((l) => l?.samplingOnToName)
  const onToName = naming
    ? ` The heap failed at look ${naming.index + 1} (${Math.round(naming.atSec)}s); sampling went on to name its line.`
    : ''
  if (last.index < last.count - 1) return `Stopped ${at}: every limit had a clear answer.${onToName}`
  const open = Object.values(last.decisions ?? {}).some((d) => d?.outcome === 'inconclusive')
  const unclear =
    verdict === 'fail'
      ? ': the growth against a limit the fail does not rest on was still unclear'
      : ': the growth was still unclear'
  return `Stopped at max-duration, ${at}${open ? unclear : ''}.${onToName}`
}

/**
 * The smallest leak the run could catch, its judged series in one sentence: "This run would
 * catch a heap leak of ≥ 539 KiB/min (46 B/request) and a goroutine leak of ≥ 15/min (1 per
 * 800 requests); less than 44 B/request of heap passes by design". Null when none is known.
 */
export function describeDetectable(run: Run): string | null {
  // A load that missed the code could catch nothing there.
  if (run.loadReach?.outcome === 'missed') return null
  // In comment mode the report is untrusted: only the series this tool knows are described.
  const known = Object.entries(run.detectable ?? {}).filter(([key]) => JUDGED.includes(key))
  if (!known.length) return null
  let byDesign = ''
  const leaks = known.map(([key, d]) => {
    const series = key as JudgedSeries
    if (series === 'heap' && d.limitPerRequest !== null)
      byDesign = `; less than ${requestShare(series, d.limitPerRequest)} of heap passes by design`
    const what = series === 'heap' ? 'heap' : 'goroutine'
    return `a ${what} leak of ≥ ${formatRate(d.perSec, SERIES[series].unit)}${share(series, d.perRequest)}`
  })
  return `This run would catch ${leaks.join(' and ')}${byDesign}.`
}

/** How the readings were taken: "readings with the load paused: 24 ms a reading (p95 41 ms), 2.4% of the run". */
export function describeQuiescence(q: Quiescence | undefined): string | null {
  if (!q) return null
  if (!q.enabled) return 'readings under load (quiesce: off): the least of four post-GC readings'
  if (q.pauseP50Ms === null) return null
  const share = q.pausedFraction === null ? '' : `, ${(100 * q.pausedFraction).toFixed(1)}% of the run`
  const fallback = q.notDrained
    ? `; ${q.notDrained} readings found requests still in flight after 2s and took the least of four instead`
    : ''
  return `readings with the load paused until nothing was in flight: ${q.pauseP50Ms} ms a reading (p95 ${q.pauseP95Ms} ms)${share}${fallback}`
}

/** The notice when head and base ran at different rates and were compared per request. */
export function describePerRequest(p: { headRequestsPerSec: number; baseRequestsPerSec: number }): string {
  const rate = (v: number) => `${Math.round(v)}`
  return `head and base were driven at different rates (${rate(p.headRequestsPerSec)} and ${rate(p.baseRequestsPerSec)} requests/s): the base's growth is compared per request, at the head's rate`
}

/**
 * How head − base was measured: the order of the runs, the pairs added, and the run-to-run
 * spread its interval allows for. Nothing when there was no comparison or it predates these.
 * `advise`: how to measure better, which a pass does not ask for.
 */
export function describeComparison(report: Report, advise = true): string[] {
  const c = report.comparison
  if (!c?.confidence) return []
  const lines: string[] = []
  if (c.baseline === 'stored') {
    const widened = JUDGED_SERIES.flatMap((s) => {
      const sc = c[s]
      return sc?.baseRunSpreadPerSec
        ? [`${formatRate(sc.baseRunSpreadPerSec, SERIES[s].unit)} (${SERIES[s].label})`]
        : []
    })
    lines.push(
      `The base is a report.json of another run: another runner or another day differs more than back-to-back runs do, so its run-to-run spread is taken as at least twice baseline-noise-floor${widened.length ? `: ${widened.join(', ')}` : ''}.`
    )
  } else if (c.pairs === 1)
    lines.push(
      `Base ran once, then head: a drift of the machine between the two runs cannot be told from the change${advise ? '; repeats: 2 measures base, head, head, base' : ''}.`
    )
  else if (c.pairs) {
    const asked = Number(report.config.repeats) || 1
    const added = c.pairs > asked ? `, ${c.pairs - asked} added while head − base was unclear` : ''
    // An odd count ends on a pair that runs base first: a steady drift is not cancelled, only cut.
    const odd =
      c.pairs % 2 === 1
        ? '; the last pair is not balanced by another, so a steady drift of the machine is cut, not cancelled'
        : ''
    lines.push(`${c.pairs} pairs in ABBA order (base, head, head, base, …)${added}${odd}.`)
  }
  const spreads = JUDGED_SERIES.flatMap((s) => {
    const sc = c[s]
    if (sc?.runSpreadPerSec === undefined) return []
    const from = sc.runSpreadFrom === 'repeats' ? 'estimated from the pairs' : 'baseline-noise-floor'
    return [`${SERIES[s].label} ±${formatRate(sc.runSpreadPerSec, SERIES[s].unit)} a run (${from})`]
  })
  if (spreads.length)
    lines.push(
      `The ${confidenceText(c.confidence)} interval of head − base counts how much runs of the same code differ: ${spreads.join('; ')}.`
    )
  return lines
}
