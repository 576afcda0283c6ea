// ReportView -> a plain-text summary for the terminal; what is said is decided in present.ts.
import type { Report } from '../model.js'
import { stripControl } from '../redact.js'
import { present } from './present.js'

export function renderTerminal(report: Report): string {
  const view = present(report)
  const lines = [`go-memgate${view.name === null ? '' : ` (${view.name})`}: ${view.verdictWord}`]
  for (const n of view.notices) lines.push(`  note: ${n}`)
  for (const r of view.reasons) lines.push(`  - ${r}`)
  for (const l of [...view.caveats, ...view.moreCaveats]) lines.push(`  ${l}`)
  for (const run of view.runs) for (const n of run.notes) lines.push(`  ${run.side}: ${n}`)
  lines.push('')
  const rows = view.trendTable
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  for (const row of rows)
    lines.push(
      '  ' +
        row
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd()
    )
  const sites = view.heapSites.slice(0, 5)
  if (sites.length) {
    lines.push('', '  heap grows at:')
    for (const s of sites)
      lines.push(
        `    ${s.goroutineRecords ? 'new goroutines (see below)' : `${s.at}  ${s.function}`}  +${s.kept} (${s.ratePerMin})`
      )
  }
  const groups = view.goroutineGroups.slice(0, 5)
  if (groups.length) {
    lines.push('', '  goroutines pile up at:')
    for (const g of groups)
      lines.push(
        `    ${g.at}  ${g.function}  ${g.added}${g.waitReason ? ` (${g.waitReason})` : ''}${g.provenLeaked ? ' [proven leaked]' : ''}`
      )
  }
  // Function names, paths and reasons come from the service and, in comment mode, from a report.json.
  return stripControl(lines.join('\n'))
}
