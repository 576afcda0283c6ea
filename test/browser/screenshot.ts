// `npm run docs:screenshot`: PNGs of the PR comment as GitHub shows it, 800 px wide, light
// and dark, of a fail with a baseline and of a pass, rendered from the reports the golden
// files come from; and the fail's first screen (up to the end of its first table) for the
// README. Needs Debian's chromium, and fonts-noto-color-emoji for the verdict's emoji.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Report } from '../../src/model.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { failWithBaselineReport, passReport } from '../fixtures/reports.js'
import { ROOT } from '../helpers/cli.js'
import { CommentBrowser, measureHeights, type Theme } from './comment-page.js'

const IMAGES = join(ROOT, 'docs', 'images')
const WIDTH = 800
const SHOTS: [string, () => Report][] = [
  ['fail', failWithBaselineReport],
  ['pass', passReport]
]

mkdirSync(IMAGES, { recursive: true })
const browser = await CommentBrowser.start()
try {
  for (const [name, report] of SHOTS)
    for (const theme of ['light', 'dark'] as Theme[]) {
      const { page } = await browser.open(renderMarkdown(report()), theme, WIDTH)
      await page.evaluate('document.fonts.ready')
      const path = join(IMAGES, `comment-${name}-${theme}.png`)
      const heights = await measureHeights(page)
      // The whole comment, however short: a full page is at least the viewport's 600 px.
      await page.screenshot({
        path,
        fullPage: true,
        clip: { x: 0, y: 0, width: WIDTH, height: heights.whole }
      })
      // The README's first screen: what a reviewer reads before scrolling, to the end of the growth table.
      if (name === 'fail' && heights.toTable !== null)
        await page.screenshot({
          path: join(IMAGES, `first-screen-${name}-${theme}.png`),
          clip: { x: 0, y: 0, width: WIDTH, height: heights.toTable }
        })
      console.log(
        `${path}: first screen ${heights.firstScreen} px, to the table's end ${heights.toTable ?? '—'} px, whole ${heights.whole} px at ${WIDTH} px wide`
      )
      await page.close()
    }
} finally {
  await browser.close()
}
