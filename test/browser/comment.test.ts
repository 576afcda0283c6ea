// The comment as GitHub shows it: markdown and mermaid rendered in headless Chromium, in
// the light and the dark theme. Every chart must render, and every line of it must stand
// out from what lies behind it. In CI a missing Chromium is a failure, not a skip.
import { jest } from '@jest/globals'
import { existsSync } from 'node:fs'
import type { Report } from '../../src/model.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { failWithBaselineReport, inconclusiveReport, passReport } from '../fixtures/reports.js'
import { CHROMIUM, CommentBrowser, contrastRatio, type RenderedChart, type Theme } from './comment-page.js'

jest.setTimeout(120_000)

/** WCAG's least contrast for graphics such as a chart's lines. */
const MIN_CONTRAST = 3

const present = existsSync(CHROMIUM)
if (!present && process.env['CI'] === 'true')
  throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`)
const describeInBrowser = present ? describe : describe.skip

/** The least contrast of a chart's lines with its own background and the page's. */
function leastContrast(chart: RenderedChart, pageBackground: string): number {
  const behind = [pageBackground, ...(chart.chartBackground ? [chart.chartBackground] : [])]
  return Math.min(...chart.lineStrokes.flatMap((stroke) => behind.map((b) => contrastRatio(stroke, b))))
}

/** The `line [...]` rows of each mermaid block, in order. */
const linesPerBlock = (markdown: string) =>
  [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => (m[1].match(/^ {2}line \[/gm) ?? []).length)

describeInBrowser('the comment in Chromium', () => {
  let browser: CommentBrowser
  beforeAll(async () => {
    browser = await CommentBrowser.start()
  })
  afterAll(async () => browser?.close())

  describe.each<[string, () => Report]>([
    ['a fail with a baseline', failWithBaselineReport],
    ['a pass', passReport],
    ['an inconclusive', inconclusiveReport]
  ])('%s', (_, report) => {
    it.each<Theme>(['light', 'dark'])(
      'draws every chart in the %s theme, each line in a colour that stands out',
      async (theme) => {
        const markdown = renderMarkdown(report())
        const { page, charts, pageBackground, pageErrors } = await browser.open(markdown, theme)
        await page.close()
        expect(pageErrors).toEqual([])
        expect(charts.length).toBeGreaterThan(0)
        expect(charts.map((c) => c.error)).toEqual(linesPerBlock(markdown).map(() => null))
        expect(charts.map((c) => c.lineStrokes.length)).toEqual(linesPerBlock(markdown))
        for (const chart of charts)
          expect(leastContrast(chart, pageBackground)).toBeGreaterThanOrEqual(MIN_CONTRAST)
      }
    )
  })

  // The checks above must be able to fail: mermaid's own palette starts near-white.
  it("finds the light theme's default first colour too faint on white", async () => {
    const pinned = renderMarkdown(failWithBaselineReport())
    const unpinned = pinned.replace(/```mermaid\n---\n[\s\S]*?\n---\n/g, '```mermaid\n')
    const { page, charts, pageBackground } = await browser.open(unpinned, 'light')
    await page.close()
    expect(charts.length).toBe(2)
    expect(charts[0].lineStrokes[0]).toBe('rgb(236, 236, 255)')
    expect(leastContrast(charts[0], pageBackground)).toBeLessThan(1.2)
  })

  it('reports a chart mermaid cannot draw', async () => {
    const { page, charts } = await browser.open('```mermaid\nxychart-beta\n  line [1, two]\n```\n', 'light')
    await page.close()
    expect(charts).toHaveLength(1)
    expect(charts[0].error).toMatch(/parse error/i)
  })
})
