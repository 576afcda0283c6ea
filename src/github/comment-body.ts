// The comment's text: the report rendered within GitHub's size limit.
import { renderMarkdown } from '../report/markdown.js'
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
  const where = options.runUrl
    ? `[the job summary and artifact](${options.runUrl})`
    : 'the job summary and artifact'
  const footer = `\n\n<sub>Full report with raw profiles: ${where} <code>${artifactName(options.name)}</code>.</sub>\n`
  // renderMarkdown drops sections to stay within the budget and says where the rest is.
  const maxChars = COMMENT_MAX_CHARS - MARKER_ROOM - footer.length
  return renderMarkdown(report, { maxChars, trusted: options.trusted }) + footer
}
