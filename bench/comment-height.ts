// npm run bench:comment-height [file.md …]
//
// How tall the PR comment is as GitHub shows it: each markdown file given (default: the
// comments of the reports the golden files come from, a fail with a baseline and a pass,
// rendered by this checkout) drawn by test/browser/comment-page.ts (marked, GitHub's
// markdown CSS, mermaid) in Debian's headless Chromium, 800 px wide, light theme; what
// each height measures: measureHeights() in test/browser/comment-page.ts.
// One rendering a file: the layout is deterministic, nothing is timed.
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { renderMarkdown } from '../src/report/markdown.js'
import { CommentBrowser, measureHeights } from '../test/browser/comment-page.js'
import { failWithBaselineReport, passReport } from '../test/fixtures/reports.js'

const WIDTH = 800

const given = process.argv.slice(2)
const comments: [string, string][] = given.length
  ? given.map((file) => [file, readFileSync(file, 'utf8')])
  : [
      ['fail with a baseline (golden report)', renderMarkdown(failWithBaselineReport())],
      ['pass (golden report)', renderMarkdown(passReport())]
    ]

const browser = await CommentBrowser.start()
try {
  const rows: string[][] = [['comment', 'first screen (px)', "to the table's end (px)", 'whole (px)']]
  for (const [name, markdown] of comments) {
    const { page } = await browser.open(markdown, 'light', WIDTH)
    await page.evaluate('document.fonts.ready')
    const m = await measureHeights(page)
    await page.close()
    rows.push([given.length ? basename(name) : name, `${m.firstScreen}`, `${m.toTable ?? '—'}`, `${m.whole}`])
  }
  console.log(`Comment heights at ${WIDTH} px wide, light theme, headless Chromium:\n`)
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
} finally {
  await browser.close()
}
