// The PR comment as a reader sees it: its markdown turned into HTML (marked), styled with
// GitHub's markdown CSS, its mermaid blocks drawn by mermaid, in Debian's headless
// Chromium. Nothing is fetched but from a server of ours on 127.0.0.1.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { marked } from 'marked'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export type Theme = 'light' | 'dark'

/** GitHub's page backgrounds, and the mermaid theme it draws diagrams with in each. */
export const THEMES: Record<Theme, { background: string; mermaidTheme: string }> = {
  light: { background: '#ffffff', mermaidTheme: 'default' },
  dark: { background: '#0d1117', mermaidTheme: 'dark' }
}

const require = createRequire(import.meta.url)
const ASSETS: Record<string, { path: string; type: string }> = {
  '/mermaid.js': { path: require.resolve('mermaid/dist/mermaid.min.js'), type: 'text/javascript' },
  '/light.css': { path: require.resolve('github-markdown-css/github-markdown-light.css'), type: 'text/css' },
  '/dark.css': { path: require.resolve('github-markdown-css/github-markdown-dark.css'), type: 'text/css' }
}

/** The page: GitHub's comment column is about as wide as the viewport here (800 px). */
export function commentHtml(markdown: string, theme: Theme): string {
  const body = marked.parse(markdown, { async: false, gfm: true })
  return `<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="/${theme}.css">
<style>
  html, body { margin: 0; background: ${THEMES[theme].background}; }
  .markdown-body { box-sizing: border-box; padding: 16px; }
</style>
<script src="/mermaid.js"></script>
</head><body><article class="markdown-body">${body}</article>
<script>
  // As GitHub does: each mermaid block is replaced by the diagram, or by its error. Then
  // what a test checks: the title and the colour of each plotted line, and what lies behind.
  window.charts = (async () => {
    mermaid.initialize({ startOnLoad: false, theme: ${JSON.stringify(THEMES[theme].mermaidTheme)} })
    const blocks = [...document.querySelectorAll('pre > code.language-mermaid')]
    const out = []
    for (const [i, code] of blocks.entries()) {
      const holder = document.createElement('div')
      holder.className = 'mermaid-chart'
      code.parentElement.replaceWith(holder)
      try {
        holder.innerHTML = (await mermaid.render('chart' + i, code.textContent)).svg
      } catch (e) {
        holder.textContent = String(e)
        out.push({ error: String((e && e.message) || e), title: '', lineStrokes: [], chartBackground: null })
        continue
      }
      const svg = holder.querySelector('svg')
      const background = svg && svg.querySelector('rect.background')
      out.push({
        error: svg ? null : 'no svg',
        title: (svg && svg.querySelector('.chart-title text') || {}).textContent || '',
        lineStrokes: [...holder.querySelectorAll('[class^="line-plot-"] path')].map((p) => getComputedStyle(p).stroke),
        chartBackground: background ? getComputedStyle(background).fill : null
      })
    }
    return out
  })()
</script>
</body></html>`
}

/** What one mermaid block became: its error, or its title and the colours of its lines. */
export interface RenderedChart {
  error: string | null
  title: string
  /** The stroke of each plotted line, in drawing order, as the browser computes it ("rgb(…)"). */
  lineStrokes: string[]
  /** The fill of the chart's own background, when it draws one. */
  chartBackground: string | null
}

export interface CommentPage {
  page: Page
  charts: RenderedChart[]
  /** The page's background colour as computed. */
  pageBackground: string
  /** Errors the page threw, and requests it tried beyond 127.0.0.1. */
  pageErrors: string[]
}

/** Chromium and a server of the page and its scripts; close() ends both. */
export class CommentBrowser {
  private constructor(
    private browser: Browser,
    private server: Server,
    private origin: string,
    private pages: Map<string, string>
  ) {}

  static async start(): Promise<CommentBrowser> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
    const pages = new Map<string, string>()
    const server = createServer((req, res) => {
      const asset = ASSETS[req.url ?? '']
      const html = pages.get(req.url ?? '')
      if (asset) res.writeHead(200, { 'content-type': asset.type }).end(readFileSync(asset.path))
      else if (html !== undefined) res.writeHead(200, { 'content-type': 'text/html' }).end(html)
      else res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return new CommentBrowser(browser, server, `http://127.0.0.1:${port}`, pages)
  }

  /** Opens the comment at `width` px in `theme` and waits for every chart. */
  async open(markdown: string, theme: Theme, width = 800): Promise<CommentPage> {
    const path = `/page-${this.pages.size}.html`
    this.pages.set(path, commentHtml(markdown, theme))
    const page = await this.browser.newPage({
      viewport: { width, height: 600 },
      colorScheme: theme,
      deviceScaleFactor: 1
    })
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(this.origin + '/')) return route.continue()
      pageErrors.push(`request beyond 127.0.0.1: ${url}`)
      return route.abort()
    })
    await page.goto(this.origin + path)
    // Strings, not functions: they run in the page, whose DOM types this project does not load.
    const charts = (await page.evaluate('window.charts')) as RenderedChart[]
    const pageBackground = (await page.evaluate('getComputedStyle(document.body).backgroundColor')) as string
    return { page, charts, pageBackground, pageErrors }
  }

  async close(): Promise<void> {
    await this.browser.close()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }
}

/** "rgb(9, 105, 218)" or "#0969da" -> [9, 105, 218]; alpha, if any, is dropped. */
export function parseColour(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour.trim())
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as [number, number, number]
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour.trim())
  if (!rgb) throw new Error(`not a colour: ${colour}`)
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])]
}

/** WCAG 2 contrast ratio of two colours, 1 to 21; 3 is the least for lines in a chart. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (c: string) => {
    const [r, g, bl] = parseColour(c).map((v) => {
      const s = v / 255
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/**
 * How tall the comment is as first shown (<details> closed): `firstScreen`, from its top to
 * the bottom of its opening block, the elements before the first table, <details>, ####
 * heading or chart (the verdict and the list under it, with any notice or caveat set there);
 * `toTable`, to the bottom of the first table not folded (null when none shows); `whole`.
 * Each counts the comment's 16 px padding above and below.
 */
export interface CommentHeights {
  firstScreen: number
  toTable: number | null
  whole: number
}

export async function measureHeights(page: Page): Promise<CommentHeights> {
  return (await page.evaluate(`(() => {
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
  })()`)) as CommentHeights
}
