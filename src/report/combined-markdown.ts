// CombinedView -> markdown: one comment for several services. A row a service (failing
// first) answers the reviewer's first questions for all of them; each service's own
// report, laid out as for one service (markdown.ts), is folded beneath its row.
import { code, escapeHtml, escapeText } from './escape.js'
import type { CombinedView, ServiceRowView } from './combined.js'
import { line, renderMarkdown, stressed } from './markdown.js'
import type { Trusted } from './view.js'

export interface CombinedMarkdownOptions {
  /** GitHub rejects comments over 65,536 characters: each service's details get a share. */
  maxChars?: number
  trusted?: Trusted
}

/** Room for a service's <details> wrapper and summary line. */
const DETAILS_ROOM = 300

export function renderCombinedMarkdown(view: CombinedView, options: CombinedMarkdownOptions = {}): string {
  const head = [`### ${escapeText(view.headline)}`, '', table(view.services)].join('\n')
  const folded = view.services.filter((s) => s.report !== null)
  const share =
    options.maxChars === undefined
      ? undefined
      : Math.floor((options.maxChars - head.length) / Math.max(folded.length, 1)) - DETAILS_ROOM
  const details = folded.map((s) => serviceDetails(s, share, options.trusted))
  return [head, ...details].join('\n\n') + '\n'
}

function table(services: ServiceRowView[]): string {
  const rows = services.map((s) => {
    const growth =
      s.problem === null ? s.growth.map(stressed).join('; ') || '—' : `**${escapeText(s.problem)}**`
    const where = s.leakingLine ? line(s.leakingLine) : '—'
    return `| ${code(s.name)} | ${s.verdictWord} | ${growth} | ${where} |`
  })
  return ['| service | verdict | what grows | where |', '|---|---|---|---|', ...rows].join('\n')
}

function serviceDetails(
  service: ServiceRowView,
  maxChars: number | undefined,
  trusted: Trusted | undefined
): string {
  const report = service.report!
  const body = renderMarkdown(report, {
    ...(maxChars === undefined ? {} : { maxChars }),
    trusted: trusted && { ...trusted, name: service.name }
  })
  return [
    `<details><summary><code>${escapeHtml(service.name)}</code>: ${service.verdictWord}</summary>`,
    '',
    body.trim(),
    '',
    '</details>'
  ].join('\n')
}
