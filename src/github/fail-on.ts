// Whether the check fails, as `fail-on` says.
import { failsGate } from '../analysis/verdict.js'
import type { Config } from '../config.js'
import type { ReportView } from '../report/view.js'

/**
 * The one-line reason the step fails, or null when it passes. From the view: its reasons are
 * made from the judgements' numbers, never a report's own text (in comment mode, a fork's).
 */
export function failureReason(view: ReportView, name: string, failOn: Config['failOn']): string | null {
  if (!failsGate(view.verdict, failOn)) return null
  const why = view.reasons.length > 0 ? view.reasons.join('; ') : 'no reason given'
  return `go-memgate (${name}): ${view.verdict}: ${why}`
}
