// Annotations on the lines that leak, so the PR's diff shows them where they are.
import * as core from '@actions/core'
import type { Report } from '../model.js'
import { stripControl } from '../redact.js'
import { present } from '../report/present.js'

/** GitHub shows 10 annotations of each level per step; keep room for other steps' messages. */
const MAX_PER_KIND = 5

/**
 * Errors when the verdict fails, warnings when it is inconclusive, none when it passes
 * (growth within the limits is not worth a mark on the diff). The sites and groups are those
 * the comment lists; only those inside the repository get one: GitHub can place nothing else.
 * Returns how many were written.
 */
export function annotate(report: Report): number {
  const view = present(report)
  if (view.verdict === 'pass') return 0
  const write = view.verdict === 'fail' ? core.error : core.warning
  // The known misuse first: it says the fix, at the line to change.
  const misuse = view.knownMisuse?.annotation
  const marks = [
    ...(misuse ? [misuse] : []),
    ...[view.heapSites, view.goroutineGroups].flatMap((listed) =>
      listed.flatMap((item) => (item.annotation ? [item.annotation] : [])).slice(0, MAX_PER_KIND)
    )
  ].slice(0, 2 * MAX_PER_KIND)
  // Names and paths come from the service's profile: no terminal escapes in the log.
  for (const { title, message, file, line } of marks)
    write(stripControl(message), { title: stripControl(title), file, startLine: line })
  return marks.length
}
