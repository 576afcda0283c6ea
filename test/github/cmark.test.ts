// A fork's report.json rendered as GitHub renders the comment (cmark-gfm, then its mention and
// reference filters): nothing from the report's text may become a link, a mention, a
// reference, an element, or hide and reorder what follows (issue 21, class 5).
import { buildCombinedCommentBody, buildCommentBody } from '../../src/github/comment-body.js'
import type { Report } from '../../src/model.js'
import { presentCombined, type ServiceReport } from '../../src/report/combined.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { failWithBaselineReport, passReport } from '../fixtures/reports.js'
import { CMARK_PRESENT, liveInHtml, renderGfm } from './cmark.js'

const describeCmark = CMARK_PRESENT ? describe : describe.skip

/** What a fork wrote, each the trick that once worked. */
export const LIVE_TEXT = [
  'main.https://evil.example/login',
  'see www.evil.example now',
  'mailto:admin@evil.example',
  'ask @team',
  'ask &#64;team',
  'fixes #1',
  'fixes &#35;1',
  'GH-3',
  'owner/repo#3',
  'owner/repo@0123456',
  'main.(*Cache).\u202etuP\u202c',
  'zero\u200bwidth\u200d\ufeff',
  '<img src=x onerror=alert(1)>',
  '</details><a href="https://evil.example">x</a>',
  '`code` | pipe \\| ``` fence',
  'a\u0000b\u001b[31m'
]

const REPOSITORY = 'https://github.com/acme/shop'
const HEAD = 'ab'.repeat(20)

/** `text` wherever a report holds text the comment shows. */
function reportWith(text: string): Report {
  const report = failWithBaselineReport()
  report.notices = [text]
  report.source = { repositoryUrl: REPOSITORY, commit: HEAD }
  for (const run of [report.runs.head, report.runs.base!]) {
    run.ref = text
    run.commit = HEAD
    run.load = { kind: 'command', command: text, requests: null, errors: null, achievedRatePerSec: null }
    const a = run.attribution!
    a.heap = a.heap.map((s) => ({ ...s, function: text, repoPath: `svc/${text}` }))
    a.goroutines = a.goroutines.map((g) => ({ ...g, function: text, waitReason: text, createdBy: text }))
    a.files = { flamegraph: text, heapFirst: text, heapLast: text }
  }
  report.comparison = { ...report.comparison, newInHead: [text] }
  return report
}

/** The renderer's own links go to the repository the event names; nothing else is a link. */
const trustedHref = (href: string) => href.startsWith(`${REPOSITORY}/`)

/** As comment mode posts it: the event confirms the head the report claims, so lines are linked. */
const commentBody = (report: Report) =>
  buildCommentBody(report, {
    name: 'memgate',
    runUrl: `${REPOSITORY}/actions/runs/1`,
    trusted: { name: 'memgate', repositoryUrl: REPOSITORY, headSha: HEAD, failOn: 'fail' }
  })

describeCmark('the comment as GitHub renders it', () => {
  const html = renderGfm(LIVE_TEXT.map((t) => renderMarkdown(reportWith(t))))
  const comments = renderGfm(LIVE_TEXT.map((t) => commentBody(reportWith(t))))

  it.each(LIVE_TEXT.map((t, i) => [JSON.stringify(t), i]))(
    '%s becomes no link, mention, reference, element or invisible character',
    (_, i) => {
      expect(liveInHtml(html[i], trustedHref)).toBeNull()
      expect(liveInHtml(comments[i], trustedHref)).toBeNull()
    }
  )

  it('shows a bidi override and a zero-width space as \\u202e and \\u200b', () => {
    expect(html[LIVE_TEXT.indexOf('main.(*Cache).\u202etuP\u202c')]).toContain(
      'main.(*Cache).\\u202etuP\\u202c'
    )
    expect(html[LIVE_TEXT.indexOf('zero\u200bwidth\u200d\ufeff')]).toContain('zero\\u200bwidth\\u200d\\ufeff')
  })

  it('keeps the text as written, in code where it would otherwise be live', () => {
    const notice = (t: string) => /<blockquote[\s\S]*?<\/blockquote>/.exec(html[LIVE_TEXT.indexOf(t)])![0]
    expect(notice('ask @team')).toContain('ask <code>@team</code>')
    expect(notice('fixes &#35;1')).toContain('fixes <code>&amp;#35;1</code>')
    expect(notice('see www.evil.example now')).toContain('see <code>www.evil.example</code> now')
  })
})

// Many services, one comment: each report is a fork's, and a report kept at the default name
// is named by its folder, which a workflow's artifact name chose.
describeCmark('the comment of several services as GitHub renders it', () => {
  const trusted = { name: 'services', repositoryUrl: REPOSITORY, headSha: HEAD, failOn: 'fail' }
  const folders = LIVE_TEXT.filter((t) => !t.includes('/') && !t.includes('\u0000'))
  const services: ServiceReport[] = [
    ...LIVE_TEXT.map((t, i) => ({
      path: `/r/memgate-${i}/report.json`,
      report: { ...reportWith(t), name: `svc-${i}` }
    })),
    ...folders.map((folder) => ({ path: `/r/${folder}/report.json`, report: passReport() })),
    ...folders.map((folder) => ({
      path: `/r/${folder}/report.json`,
      problem: `report-json: /r/${folder}/report.json is not a file`
    }))
  ]
  const [html] = renderGfm([
    buildCombinedCommentBody(presentCombined(services, trusted), {
      runUrl: `${REPOSITORY}/actions/runs/1`,
      trusted
    })
  ])

  it('makes nothing live, neither from the reports nor from the folders', () => {
    expect(liveInHtml(html, trustedHref)).toBeNull()
  })

  it('opens with a table of a row a service, and folds a report for each readable one', () => {
    expect(html.indexOf('<table>')).toBeLessThan(html.indexOf('<details>'))
    const summary = /<table>[\s\S]*?<\/table>/.exec(html)![0]
    expect(summary.match(/<tr>/g)).toHaveLength(1 + services.length)
    expect(html.match(/<summary><code>/g)).toHaveLength(LIVE_TEXT.length + folders.length)
  })
})
