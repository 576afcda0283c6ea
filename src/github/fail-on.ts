// Whether the check fails, as `fail-on` says.
import { failsGate } from '../analysis/verdict.js'
import type { Config } from '../config.js'
import type { CombinedView } from '../report/combined.js'
import type { ReportView } from '../report/view.js'

/**
 * The one-line reason the step fails, or null when it passes. From the view: its reasons are
 * made from the judgements' numbers, never a report's own text (in comment mode, a fork's).
 */
export function failureReason(view: ReportView, name: string, failOn: Config['failOn']): string | null {
  if (!failsGate(view.verdict, failOn)) return null
  return `go-memgate (${name}): ${view.verdict}: ${reasonsOf(view)}`
}

/** Several services: the check fails when any fails as `fail-on` says, or its report could not be read. */
export function combinedFailureReason(view: CombinedView, failOn: Config['failOn']): string | null {
  const failing = view.services.filter((s) => s.view === null || failsGate(s.verdict, failOn))
  if (!failing.length) return null
  const each = failing.map((s) =>
    s.view === null ? `${s.name}: ${s.problem}` : `${s.name}: ${s.verdict}: ${reasonsOf(s.view)}`
  )
  return `go-memgate: ${failing.length} of ${view.services.length} services fail the check: ${each.join(' | ')}`
}

const reasonsOf = (view: ReportView): string =>
  view.reasons.length > 0 ? view.reasons.join('; ') : 'no reason given'
