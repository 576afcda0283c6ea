// Judgements and base growth in words: the one place a decision becomes a sentence.
import { SERIES, type BaseGrowth, type Judgement } from '../model.js'
import { formatRate, formatSignedRate } from '../units.js'

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
  const measured = vsBase
    ? `${label} grows ${shown(j.estimatePerSec)} over the base (95% CI ${shown(j.lowPerSec)} to ${shown(j.highPerSec)}; head ${rate(j.headPerSec)}, base ${rate(j.basePerSec)})`
    : `${label} grows ${rate(j.estimatePerSec)} (95% CI ${rate(j.lowPerSec)} to ${rate(j.highPerSec)})`
  const limit = `${vsBase ? 'allowed increase' : 'limit'} ${rate(j.limitPerSec)}`
  switch (j.rule) {
    case 'above-limit':
      return `${measured}, ${limit}`
    case 'slowed':
      return `${measured}, above the ${limit}, but only ${shown(j.latePerSec)} in the second half: a warm-up or a plateau? Lengthen warmup`
    case 'straddles':
      return `${measured}: the interval straddles the ${limit}; lengthen duration${vsBase ? ' or raise repeats' : ''} for a clear answer`
    case 'within-limit':
      return `${label} ${shown(j.estimatePerSec)}${vsBase ? ' over the base' : ''}, within the ${limit}`
  }
}

/** The notice for a series the base already grows in. */
export function describeBaseGrowth(g: BaseGrowth): string {
  const { label, unit } = SERIES[g.series]
  const rate = (v: number) => formatRate(v, unit)
  return `the base grows too: ${label} ${rate(g.trend.slopePerSec)} (95% CI ${rate(g.trend.ciLow)} to ${rate(g.trend.ciHigh)})${g.ref ? ` on ${g.ref}` : ''}; that growth predates this change`
}
