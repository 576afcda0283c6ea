// Whether the check fails, as `fail-on` says.
import { failsGate } from '../analysis/verdict.js'
import type { Config } from '../config.js'
import type { Report } from '../model.js'

/** The one-line reason the step fails, or null when it passes. */
export function failureReason(
  report: Pick<Report, 'verdict' | 'reasons' | 'name'>,
  failOn: Config['failOn']
): string | null {
  if (!failsGate(report.verdict, failOn)) return null
  const why = report.reasons.length > 0 ? report.reasons.join('; ') : 'no reason given'
  return `go-memgate (${report.name}): ${report.verdict}: ${why}`
}
