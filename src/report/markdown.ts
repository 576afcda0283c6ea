// ReportView -> markdown: the PR comment, the job summary and report.md. The first screen
// answers what a reviewer asks first: the verdict; what grows, how fast, against what;
// which line; what to do next; which commits; and at most two lines of caveats. Then one
// table of the growth, where it grows, the charts, and the rest folded; a pass folds all
// but its first screen. What is said is decided in present.ts; here it is laid out, and
// every string escaped.
import type { Report } from '../model.js'
import { xyChart } from './chart.js'
import { code, escapeHtml, escapeText } from './escape.js'
import { present, uploaded } from './present.js'
import type { Cell, Line, ReportView, RunView, Trusted } from './view.js'

export interface MarkdownOptions {
  /** GitHub rejects comments over 65,536 characters: sections are dropped to fit. */
  maxChars?: number
  /** In comment mode, what the event confirms (present.ts). */
  trusted?: Trusted
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const view = present(report, options.trusted)
  const growth = [table(view.growthTable), attributionSection(view, 10), newInHeadLine(view)]
  const sections = view.brief
    ? [firstScreen(view), details(view, growth)]
    : [firstScreen(view), ...growth, charts(view), details(view, [])]
  const full = sections.filter(Boolean).join('\n\n') + '\n'
  const max = options.maxChars
  if (max === undefined || full.length <= max) return full
  const note = `\n\n_The report was shortened to fit; the full report is in the job summary${uploaded(report) ? ' and the artifact' : ''}._\n`
  const shorter = [firstScreen(view), table(view.growthTable), attributionSection(view, 3)]
    .filter(Boolean)
    .join('\n\n')
  if (shorter.length + note.length <= max) return shorter + note
  // Cut at a line end: a cut inside an entity or a <code> would break the markup after it.
  const cut = shorter.slice(0, max - note.length)
  return cut.slice(0, cut.lastIndexOf('\n')) + note
}

/** Words escaped, code as code, linked where the view has somewhere to go. */
export function line(spans: Line): string {
  return spans
    .map((s) => {
      if (typeof s === 'string') return escapeText(s)
      return s.url ? `<a href="${escapeHtml(s.url)}">${code(s.code)}</a>` : code(s.code)
    })
    .join('')
}

export const stressed = (c: Cell) => (c.failed ? `**${escapeText(c.text)}**` : escapeText(c.text))

function firstScreen(view: ReportView): string {
  const name = view.name === null ? '' : ` (${escapeText(view.name)})`
  const lines = [`### ${view.headline}${name}`, '']
  for (const notice of view.notices) lines.push(`> [!NOTE]\n> ${escapeText(notice)}`, '')
  const growth = view.growth.map(stressed).join('; ')
  const items = [
    growth || null,
    ...[view.knownMisuse?.line ?? null, view.leakingLine, view.nextStep, view.commits].map(
      (l) => l && line(l)
    ),
    view.failOnNote && escapeText(view.failOnNote),
    ...view.caveats.map((c) => `_${escapeText(c)}_`)
  ]
  for (const item of items) if (item) lines.push(`- ${item}`)
  return lines.join('\n').trim()
}

function table({ header, rows }: ReportView['growthTable']): string {
  const row = (cells: string[]) => `|${cells.map((c) => (c ? ` ${c} ` : ' ')).join('|')}|`
  return [
    row(header),
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => row(r.map(stressed)))
  ].join('\n')
}

/** One line naming what grows in the head and not in the base, when both were attributed. */
function newInHeadLine(view: ReportView): string {
  if (!view.newInHead.length) return ''
  return `**New in head** (growing here, not in the base): ${view.newInHead.map(code).join(', ')}`
}

function attributionSection(view: ReportView, top: number): string {
  const out: string[] = []
  const sites = view.heapSites.slice(0, top)
  if (sites.length) {
    out.push(
      '#### Where the heap grows',
      '',
      '| allocation site | kept | rate | per request |',
      '|---|---|---|---|'
    )
    // Goroutine records have no line of their own: the goroutine table names their `go` statement.
    for (const s of sites)
      out.push(
        `| ${s.goroutineRecords ? 'new goroutines (see the goroutine table)' : `${code(s.function)}<br>${code(s.at)}`}${s.note ? `<br>${escapeText(s.note)}` : ''} | ${s.kept} | ${s.ratePerMin} | ${s.perRequest ?? '—'} |`
      )
  }
  const groups = view.goroutineGroups.slice(0, top)
  if (groups.length) {
    if (out.length) out.push('')
    out.push(
      '#### Goroutines that pile up',
      '',
      '| blocked at | waiting on | created by | added | rate |',
      '|---|---|---|---|---|'
    )
    for (const g of groups)
      out.push(
        `| ${code(g.function)}<br>${code(g.at)}${g.provenLeaked ? ' **proven leaked**' : ''} | ${escapeText(g.waitReason ?? '—')} | ${g.createdBy ? code(g.createdBy) : '—'} | ${g.added} | ${g.ratePerMin} |`
      )
    if (view.goroutineLeakProfileNote) out.push('', `_${escapeText(view.goroutineLeakProfileNote)}_`)
  }
  return out.join('\n')
}

/** A series that never moved needs no chart: one line says so. */
function charts(view: ReportView): string {
  return view.charts.map((c) => xyChart(c.request) ?? `_${escapeText(c.flat)}_`).join('\n\n')
}

function runDetails(run: RunView): string[] {
  return [
    `- **${run.side}**${run.ref ? ` ${code(run.ref)}` : ''}${run.commit ? ` ${code(run.commit)}` : ''}: ${line(run.summary)}`,
    ...[...(run.readings ? [run.readings] : []), ...run.notes].map((n) => `  - ${escapeText(n)}`)
  ]
}

/** Folded: `growth` when the first screen says all (a pass), how each judgement went, the other caveats, the runs. */
function details(view: ReportView, growth: string[]): string {
  const judged = [...view.reasons, ...view.moreCaveats].map((r) => `- ${escapeText(r)}`)
  const lines = [
    `<details><summary>${growth.length ? 'The growth, how it was judged, and the runs' : 'How it was judged, and the runs'}</summary>`,
    '',
    ...growth.filter(Boolean).flatMap((section) => [section, '']),
    ...(judged.length ? [...judged, ''] : []),
    ...view.runs.flatMap(runDetails),
    '',
    // A fail or an inconclusive gives the command on its first screen.
    ...(view.verdict === 'pass' && view.reproduce !== null
      ? ['Reproduce locally:', '', `<pre><code>${escapeHtml(view.reproduce)}</code></pre>`, '']
      : []),
    line(view.profiles),
    '',
    '</details>'
  ]
  return lines.join('\n')
}
