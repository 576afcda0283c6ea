// The comment's text: the report rendered within GitHub's size limit.
import { renderMarkdown } from '../report/markdown.js'
import { renderCombinedMarkdown } from '../report/combined-markdown.js'
import type { CombinedView } from '../report/combined.js'
import { uploaded } from '../report/present.js'
import type { Report } from '../model.js'
import type { Trusted } from '../report/view.js'
import { artifactName } from './artifact.js'
import { COMMENT_MAX_CHARS } from './comment.js'

/** Room kept for the markers postComment puts in front of the body. */
const MARKER_ROOM = 200

/** `name` is the gate's (validated) input, not the report's: in comment mode the report is untrusted. */
export function buildCommentBody(
  report: Report,
  options: { name: string; runUrl: string | null; trusted?: Trusted }
): string {
  // With upload-artifact false the raw profiles went nowhere the reader can reach.
  const artifact = uploaded(report)
  const where = summaryLink(artifact ? 'the job summary and artifact' : 'the job summary', options.runUrl)
  const footer = artifact
    ? `\n\n<sub>Full report with raw profiles: ${where} <code>${artifactName(options.name)}</code>.</sub>\n`
    : `\n\n<sub>Full report: ${where}; no artifact (upload-artifact was false).</sub>\n`
  // renderMarkdown drops sections to stay within the budget and says where the rest is.
  const maxChars = COMMENT_MAX_CHARS - MARKER_ROOM - footer.length
  return renderMarkdown(report, { maxChars, trusted: options.trusted }) + footer
}

/** Several services' reports in one comment; each service's raw profiles stayed with its own job. */
export function buildCombinedCommentBody(
  view: CombinedView,
  options: { runUrl: string | null; trusted?: Trusted }
): string {
  const footer = `\n\n<sub>Full reports: ${summaryLink('the job summary', options.runUrl)}; each service's raw profiles are in the artifact of the job that measured it.</sub>\n`
  const maxChars = COMMENT_MAX_CHARS - MARKER_ROOM - footer.length
  return renderCombinedMarkdown(view, { maxChars, trusted: options.trusted }) + footer
}

const summaryLink = (what: string, runUrl: string | null): string => (runUrl ? `[${what}](${runUrl})` : what)
