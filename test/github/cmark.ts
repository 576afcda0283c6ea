// GitHub's markdown as GitHub renders it: cmark-gfm (pip `cmarkgfm`) with its GFM extensions
// (autolink, table, strikethrough, tagfilter) and raw HTML kept, many documents a python
// process. Then what GitHub does to the HTML outside code: @mentions and #123 / GH-3 /
// owner/repo#3 references become links. `liveInHtml` names anything live or invisible that
// did not come from the renderer's own links.
import { spawnSync } from 'node:child_process'

const SCRIPT = `
import json, sys, cmarkgfm
from cmarkgfm.cmark import Options
# A lone surrogate (a hostile report may hold one) cannot be sent as UTF-8: GitHub gets "?" as here.
docs = [d.encode('utf-8', 'replace').decode('utf-8') for d in json.load(sys.stdin)]
json.dump([cmarkgfm.github_flavored_markdown_to_html(d, options=Options.CMARK_OPT_UNSAFE) for d in docs], sys.stdout)
`

/** Whether python3 can import cmarkgfm; in CI (.ci/run installs it) a missing one is a failure. */
export const CMARK_PRESENT = spawnSync('python3', ['-c', 'import cmarkgfm']).status === 0
if (!CMARK_PRESENT && process.env['CI'] === 'true')
  throw new Error('python3 cannot import cmarkgfm: .ci/run installs it with pip')

/** Each markdown document as GitHub's HTML, in one python process. */
export function renderGfm(docs: string[]): string[] {
  const out = spawnSync('python3', ['-c', SCRIPT], {
    input: JSON.stringify(docs),
    encoding: 'utf8',
    maxBuffer: 1024 ** 3
  })
  if (out.status !== 0) throw new Error(`cmarkgfm failed: ${out.stderr}`)
  return JSON.parse(out.stdout) as string[]
}

/** Elements markdown.ts may produce; any other came from a report's text. */
const ELEMENTS = new Set(
  'p code a table thead tbody tr th td details summary pre br strong em h3 h4 ul li blockquote sub'.split(' ')
)
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/
/** What GitHub's mention and reference filters link in text outside code, pre and a. */
const FILTERED = /(?<![\w`])@[a-z0-9]|#\d|\bgh-\d/i

const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

/**
 * The first thing in `html` that is live or hidden and is not the renderer's own: a link
 * whose address `trustedHref` refuses, an element markdown.ts does not write, a mention or
 * reference outside code, an invisible character. Null when there is none.
 */
export function liveInHtml(html: string, trustedHref: (href: string) => boolean): string | null {
  const invisible = INVISIBLE.exec(html)
  if (invisible)
    return `an invisible U+${invisible[0].charCodeAt(0).toString(16)} near ${html.slice(invisible.index - 40, invisible.index + 40)}`
  for (const m of html.matchAll(/<([a-z][a-z0-9]*)([^>]*)>/gi)) {
    if (!ELEMENTS.has(m[1].toLowerCase())) return `an element <${m[1]}>: ${m[0]}`
    if (m[1] !== 'a') continue
    const href = /^ href="([^"]*)"$/.exec(m[2])
    if (!href || !trustedHref(decode(href[1]))) return `a link not the renderer's own: ${m[0]}`
  }
  // Text outside code, pre and links, where GitHub's filters run.
  const text = decode(
    html
      .replace(/<pre>[\s\S]*?<\/pre>/g, ' ')
      .replace(/<code>[\s\S]*?<\/code>/g, ' ')
      .replace(/<a [^>]*>[\s\S]*?<\/a>/g, ' ')
      .replace(/<[^>]*>/g, ' ')
  )
  const filtered = FILTERED.exec(text)
  if (filtered)
    return `"${filtered[0]}" outside code: ${text.slice(filtered.index - 40, filtered.index + 40)}`
  return null
}
