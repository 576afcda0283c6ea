// The comment as GitHub shows it: markdown and mermaid rendered in headless Chromium, in
// the light and the dark theme. Every chart must render, and every line of it must stand
// out from what lies behind it. In CI a missing Chromium is a failure, not a skip.
import { jest } from '@jest/globals'
import { existsSync } from 'node:fs'
import type { Report } from '../../src/model.js'
import { xyChart } from '../../src/report/chart.js'
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

  // Issue 22: one label a point ran together ("96100104108…") on a long run.
  it('labels the x-axis of a long run with a few round ticks that do not overlap', async () => {
    const samples = Array.from({ length: 300 }, (_, i) => ({
      t: 4 * i,
      liveHeapBytes: 0,
      liveHeapObjects: 0,
      goroutines: 14 + i,
      rssBytes: null
    }))
    const chart = xyChart({
      title: 'Goroutines',
      unit: 'count',
      lines: [{ role: 'head', samples }],
      value: (s) => s.goroutines
    })!
    const { page, charts } = await browser.open(chart, 'light')
    const labels = (await page.evaluate(
      `[...document.querySelectorAll('.bottom-axis .label text')].map((t) => { const r = t.getBoundingClientRect(); return { text: t.textContent, left: r.left, right: r.right } })`
    )) as { text: string; left: number; right: number }[]
    const height = (await page.evaluate(
      `document.querySelector('.mermaid-chart svg').getBoundingClientRect().height`
    )) as number
    await page.close()
    expect(charts.map((c) => c.error)).toEqual([null])
    expect(labels.length).toBeGreaterThanOrEqual(3)
    expect(labels.length).toBeLessThanOrEqual(16)
    for (const [i, label] of labels.slice(1).entries()) expect(label.left).toBeGreaterThan(labels[i].right)
    expect(labels.map((l) => Number(l.text) % 10)).toEqual(labels.map(() => 0))
    expect(height).toBeLessThanOrEqual(320)
  })

  it('reports a chart mermaid cannot draw', async () => {
    const { page, charts } = await browser.open('```mermaid\nxychart-beta\n  line [1, two]\n```\n', 'light')
    await page.close()
    expect(charts).toHaveLength(1)
    expect(charts[0].error).toMatch(/parse error/i)
  })
})
