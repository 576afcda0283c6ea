// npm run bench:comment-height [file.md …]
//
// How tall the PR comment is as GitHub shows it: each markdown file given (default: the
// comments of the reports the golden files come from, a fail with a baseline and a pass,
// rendered by this checkout) drawn by test/browser/comment-page.ts (marked, GitHub's
// markdown CSS, mermaid) in Debian's headless Chromium, 800 px wide, light theme.
//   first screen: from the top of the comment to the bottom of its opening block, the
//     elements before the first table, <details>, #### heading or chart: the verdict and
//     the list under it, with any notice or caveat line set there.
//   to the table's end: to the bottom of the first table shown (not folded), the README
//     screenshot's first screen; "—" when no table is shown.
//   whole: the whole comment, <details> closed, as a reader first sees it.
// One rendering a file: the layout is deterministic, nothing is timed.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { renderMarkdown } from '../src/report/markdown.js'
import { CommentBrowser } from '../test/browser/comment-page.js'
import { failWithBaselineReport, passReport } from '../test/fixtures/reports.js'

const WIDTH = 800

const given = process.argv.slice(2)
const comments: [string, string][] = given.length
  ? given.map((file) => [file, readFileSync(file, 'utf8')])
  : [
      ['fail with a baseline (golden report)', renderMarkdown(failWithBaselineReport())],
      ['pass (golden report)', renderMarkdown(passReport())]
    ]

// Runs in the page: the bottom of the opening block, of the first shown table, of the comment.
const MEASURE = `(() => {
  const body = document.querySelector('.markdown-body')
  const top = body.getBoundingClientRect().top
  const stops = (e) => ['TABLE', 'DETAILS', 'H4'].includes(e.tagName) || e.classList.contains('mermaid-chart')
  let opening = 0
  for (const e of body.children) {
    if (stops(e) || e.querySelector('table')) break
    opening = e.getBoundingClientRect().bottom - top
  }
  const table = [...body.querySelectorAll('table')].find((t) => !t.closest('details'))
  return {
    firstScreen: Math.ceil(opening + 16),
    toTable: table ? Math.ceil(table.getBoundingClientRect().bottom - top + 16) : null,
    whole: Math.ceil(body.getBoundingClientRect().height)
  }
})()`

const browser = await CommentBrowser.start()
try {
  const rows: string[][] = [['comment', 'first screen (px)', "to the table's end (px)", 'whole (px)']]
  for (const [name, markdown] of comments) {
    const { page } = await browser.open(markdown, 'light', WIDTH)
    await page.evaluate('document.fonts.ready')
    const m = (await page.evaluate(MEASURE)) as { firstScreen: number; toTable: number | null; whole: number }
    await page.close()
    rows.push([given.length ? basename(name) : name, `${m.firstScreen}`, `${m.toTable ?? '—'}`, `${m.whole}`])
  }
  console.log(`Comment heights at ${WIDTH} px wide, light theme, headless Chromium:\n`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
} finally {
  await browser.close()
}
