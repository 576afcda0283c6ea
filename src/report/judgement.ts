// Judgements, looks and what a run could catch, in words: the one place a decision
// becomes a sentence.
import {
  SERIES,
  type BaseGrowth,
  type JudgedSeries,
  type Judgement,
  type LookRecord,
  type Quiescence,
  type Run
} from '../model.js'
import { formatBytes, formatRate, formatSignedRate } from '../units.js'

/** A judgement as one sentence, for reasons in report.json, the comment and the terminal. */
export function describeJudgement(j: Judgement): string {
  if (j.rule === 'nothing-judged' || j.series === null)
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
    ? `${label} grows ${shown(j.estimatePerSec)} over the base (${ci} ${shown(j.lowPerSec)} to ${shown(j.highPerSec)}; head ${rate(j.headPerSec)}, base ${rate(j.basePerSec)})`
    : `${label} grows ${rate(j.estimatePerSec)} (${ci} ${rate(j.lowPerSec)} to ${rate(j.highPerSec)})`
  const perRequest =
    j.limitPerRequest === undefined
      ? ''
      : ` (${amount(j.series, j.limitPerRequest)}/request at the achieved rate)`
  const limit = `${vsBase ? 'allowed increase' : 'limit'} ${rate(j.limitPerSec)}${perRequest}`
  switch (j.rule) {
    case 'above-limit':
      return `${measured}, ${limit}`
    case 'upper-below-limit':
      return `${label} ${shown(j.estimatePerSec)}${vsBase ? ' over the base' : ''}, within the ${limit}`
    case 'late-upper-below-limit':
      return `${label} grew ${shown(j.estimatePerSec)} but levelled off${j.fill ? ` as a fill does (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}: ${shown(j.latePerSec)} over the second half, within the ${limit}`
    case 'levels-off-below-limit':
      return `${label} grows ${rate(j.estimatePerSec)} as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}; what stays once it has filled grows less than the ${limit}`
    case 'saturating':
      return `${measured}, above the ${limit}, but slowing down as a filling cache does${j.fill ? ` (heading for ${amount(j.series, j.fill.plateau)}, time constant ${Math.round(j.fill.tauSec)}s)` : ''}, and still growing at max-duration: raise max-duration, or warmup`
    case 'late-slope-below-limit':
      return `${measured}, above the ${limit}, but only ${shown(j.latePerSec)} in the second half: a warm-up or a plateau? Lengthen warmup`
    case 'too-noisy':
      return `${measured}: too noisy to judge against the ${limit}; raise max-duration${vsBase ? ' or repeats' : ''}`
    case 'straddles':
      return `${measured}: the interval straddles the ${limit}; raise max-duration${vsBase ? ' or repeats' : ''} for a clear answer`
  }
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

/** The notice for a series the base already grows in. */
export function describeBaseGrowth(g: BaseGrowth): string {
  const { label, unit } = SERIES[g.series]
  const rate = (v: number) => formatRate(v, unit)
  return `the base grows too: ${label} ${rate(g.trend.slopePerSec)} (${confidenceText(g.trend.confidence)} CI ${rate(g.trend.ciLow)} to ${rate(g.trend.ciHigh)})${g.ref ? ` on ${g.ref}` : ''}; that growth predates this change`
}

/** A look, for the log: "look 1 of 4 at 30.0s: live heap pass (upper below limit); stop". */
export function describeLook(look: LookRecord, stop: boolean): string {
  const decisions = Object.entries(look.decisions).map(
    ([series, d]) => `${SERIES[series as JudgedSeries].label} ${d.outcome} (${d.rule.replace(/-/g, ' ')})`
  )
  const what = decisions.length ? decisions.join(', ') : 'no limit to judge'
  return `look ${look.index + 1} of ${look.count} at ${look.atSec.toFixed(1)}s: ${what}; ${stop ? 'stop' : 'sample on'}`
}

/** Where sampling stopped and why. */
export function describeStop(run: Run): string | null {
  // In comment mode the report is untrusted: a field left out must not crash the renderer.
  const last = Array.isArray(run.looks) ? run.looks.at(-1) : undefined
  if (!last) return null
  const at = `after ${Math.round(last.atSec)}s of sampling (look ${last.index + 1} of ${last.count})`
  if (last.index < last.count - 1) return `Stopped ${at}: every limit had a clear answer.`
  const open = Object.values(last.decisions).some((d) => d.outcome === 'inconclusive')
  return `Stopped at max-duration, ${at}${open ? ': the growth was still unclear' : ''}.`
}

/**
 * The smallest leak the run could catch, per judged series: "would catch a heap leak of
 * ≥ 52 B/request (603 KiB/min); below 44 B/request passes by design".
 */
export function describeDetectable(run: Run): string[] {
  return Object.entries(run.detectable ?? {}).map(([key, d]) => {
    const series = key as JudgedSeries
    const { unit } = SERIES[series]
    if (series === 'goroutines') {
      const every =
        d.perRequest && d.perRequest > 0 ? ` (1 per ${Math.round(1 / d.perRequest)} requests)` : ''
      return `This run would catch a goroutine leak of ≥ ${formatRate(d.perSec, unit)}${every}.`
    }
    const perRequest = d.perRequest === null ? '' : ` (${formatBytes(d.perRequest)}/request)`
    const byDesign =
      d.limitPerRequest === null
        ? ''
        : `; less than ${formatBytes(d.limitPerRequest)}/request passes by design`
    return `This run would catch a heap leak of ≥ ${formatRate(d.perSec, unit)}${perRequest}${byDesign}.`
  })
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
