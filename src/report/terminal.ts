// report.json -> a plain-text summary for the terminal.
import { SERIES, SERIES_NAMES, type Report } from '../model.js'
import { stripControl } from '../redact.js'
import { confidenceText, describeComparison, describeDetectable, describeStop } from './judgement.js'
import { describeInterval } from './sampling-cost.js'
import { formatBytes, formatByteRate, formatRate } from '../units.js'

const WORD = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' } as const

export function renderTerminal(report: Report): string {
  // The default name says nothing; a chosen one tells gates of one repository apart.
  const name = report.name === 'memgate' ? '' : ` (${report.name})`
  const lines = [`go-memgate${name}: ${WORD[report.verdict]}`]
  for (const n of report.notices) lines.push(`  note: ${n}`)
  for (const r of report.reasons) lines.push(`  - ${r}`)
  for (const l of [
    ...describeDetectable(report.runs.head),
    describeStop(report.runs.head),
    ...describeComparison(report)
  ])
    if (l) lines.push(`  ${l}`)
  for (const run of [report.runs.base, report.runs.head]) {
    const interval = describeInterval(run?.interval)
    if (interval) lines.push(`  ${run?.side}: ${interval}`)
    for (const n of run?.sampleNotes ?? []) lines.push(`  ${run?.side}: ${n}`)
  }
  lines.push('')
  const confidence =
    report.runs.head.trends.heap?.confidence ?? report.runs.head.trends.goroutines?.confidence
  const rows: string[][] = [['', 'growth', `${confidenceText(confidence)} interval`, 'second half']]
  for (const [side, run] of Object.entries(report.runs)) {
    if (!run) continue
    for (const series of SERIES_NAMES) {
      const t = run.trends[series]
      if (!t) continue
      const r = (v: number) => formatRate(v, SERIES[series].unit)
      rows.push([
        `${series}${report.runs.base ? ` (${side})` : ''}`,
        r(t.slopePerSec),
        `${r(t.ciLow)} .. ${r(t.ciHigh)}`,
        r(t.lateSlopePerSec)
      ])
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  for (const row of rows)
    lines.push(
      '  ' +
        row
          .map((cell, c) => cell.padEnd(widths[c]))
          .join('  ')
          .trimEnd()
    )
  const a = report.runs.head.attribution
  const sites = a?.heap.filter((s) => !s.withinNoise).slice(0, 5) ?? []
  if (sites.length) {
    lines.push('', '  heap grows at:')
    for (const s of sites)
      lines.push(
        `    ${s.kind === 'goroutines' ? 'new goroutines (see below)' : `${s.repoPath ?? s.file}:${s.line}  ${s.function}`}  +${formatBytes(s.inuseBytesGrowth)} (${formatByteRate(s.bytesPerSec)})`
      )
  }
  const stacks = a?.goroutines.filter((g) => g.countGrowth > 0).slice(0, 5) ?? []
  if (stacks.length) {
    lines.push('', '  goroutines pile up at:')
    for (const g of stacks)
      lines.push(
        `    ${g.repoPath ?? g.file}:${g.line}  ${g.function}  +${g.countGrowth}${g.waitReason ? ` (${g.waitReason})` : ''}${g.provenLeaked ? ' [proven leaked]' : ''}`
      )
  }
  // Function names, paths and reasons come from the service and, in comment mode, from a report.json.
  return stripControl(lines.join('\n'))
}
