// report.json -> markdown: the PR comment, the job summary and report.md.
import { INPUTS } from '../inputs.js'
import {
  SERIES,
  SERIES_NAMES,
  type Attribution,
  type HeapSite,
  type JudgedSeries,
  type Report,
  type Run,
  type SeriesName,
  type Trend,
  type Verdict
} from '../model.js'
import { formatBytes, formatByteRate, formatCountRate, formatSignedRate } from '../units.js'
import { xyChart } from './chart.js'
import { confidenceText, describeDetectable, describeQuiescence, describeStop } from './judgement.js'
import { code, escapeText, num } from './escape.js'

export interface MarkdownOptions {
  /** GitHub rejects comments over 65,536 characters: sections are dropped to fit. */
  maxChars?: number
}

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ go-memgate: no memory growth beyond the limits',
  fail: '❌ go-memgate: memory grows — this check fails',
  inconclusive: '⚠️ go-memgate: inconclusive — growth could not be told from noise'
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const sections = [
    header(report),
    growthTable(report),
    attributionSection(report.runs.head.attribution, 10),
    newInHeadLine(report),
    charts(report),
    details(report)
  ]
  const full = sections.filter(Boolean).join('\n\n') + '\n'
  const max = options.maxChars
  if (max === undefined || full.length <= max) return full
  const note =
    '\n\n_The report was shortened to fit; the full report is in the job summary and the artifact._\n'
  const shorter = [header(report), growthTable(report), attributionSection(report.runs.head.attribution, 3)]
    .filter(Boolean)
    .join('\n\n')
  if (shorter.length + note.length <= max) return shorter + note
  // Cut at a line end: a cut inside an entity or a <code> would break the markup after it.
  const cut = shorter.slice(0, max - note.length)
  return cut.slice(0, cut.lastIndexOf('\n')) + note
}

function header(report: Report): string {
  const name = report.name === 'memgate' ? '' : ` (${escapeText(report.name)})`
  const lines = [`### ${HEADLINE[report.verdict]}${name}`, '']
  for (const notice of report.notices) lines.push(`> [!NOTE]\n> ${escapeText(notice)}`, '')
  for (const reason of report.reasons) lines.push(`- ${escapeText(reason)}`)
  const head = report.runs.head
  const after = [...describeDetectable(head), describeStop(head)].filter((l) => l !== null)
  if (after.length) lines.push('', ...after.map((l) => `_${escapeText(l)}_`))
  return lines.join('\n').trim()
}

function limitOf(report: Report, input?: string): string {
  if (!input) return 'not judged'
  const v = String(report.config[input] ?? INPUTS.find((i) => i.name === input)?.default ?? '')
  return v === 'off' ? 'off' : escapeText(v)
}

function trendCells(series: SeriesName, t: Trend | null): string[] {
  if (!t) return ['—', '—', '—']
  const r = (v: number) => formatSignedRate(v, SERIES[series].unit)
  return [`**${r(t.slopePerSec)}**`, `${r(t.ciLow)} … ${r(t.ciHigh)}`, r(t.lateSlopePerSec)]
}

function growthTable(report: Report): string {
  const { head, base } = report.runs
  const confidence = head.trends.heap?.confidence ?? head.trends.goroutines?.confidence
  const rows = [
    `| | growth | ${confidenceText(confidence)} interval | second half | limit |`,
    '|---|---|---|---|---|'
  ]
  for (const name of SERIES_NAMES) {
    const s = SERIES[name]
    if (!s.limitInput && !head.trends[name]) continue
    const limit = limitOf(report, s.limitInput)
    rows.push(
      `| ${s.title}${base ? ' (head)' : ''} | ${trendCells(name, head.trends[name]).join(' | ')} | ${limit} |`
    )
    if (base) rows.push(`| ${s.title} (base) | ${trendCells(name, base.trends[name]).join(' | ')} | |`)
    if (base && s.limitInput) rows.push(...differenceRow(report, name as JudgedSeries, s.title))
  }
  return rows.join('\n')
}

/** Head minus base, with the allowed increase as its limit. */
function differenceRow(report: Report, series: JudgedSeries, label: string): string[] {
  const c = report.comparison?.[series]
  const h = report.runs.head.trends[series]
  const b = report.runs.base?.trends[series]
  if (!c || !h || !b) return []
  const r = (v: number) => formatSignedRate(v, SERIES[series].unit)
  const limit = c.limitPerSec === null ? 'off' : r(c.limitPerSec)
  return [
    `| ${label} (head − base) | **${r(c.diffPerSec)}** | ${r(c.ciLow)} … ${r(c.ciHigh)} | ${r(h.lateSlopePerSec - b.lateSlopePerSec)} | ${limit} |`
  ]
}

/** One line naming what grows in the head and not in the base, when both were attributed. */
function newInHeadLine(report: Report): string {
  const fresh = report.comparison?.newInHead
  if (!Array.isArray(fresh) || !fresh.length) return ''
  return `**New in head** (growing here, not in the base): ${fresh
    .slice(0, 10)
    .map((f) => code(String(f)))
    .join(', ')}`
}

/** Goroutine records have no line of their own: the goroutine table names their `go` statement. */
function siteCell(s: HeapSite): string {
  return s.kind === 'goroutines'
    ? 'new goroutines (see the goroutine table)'
    : `${code(s.function)}<br>${code(`${s.repoPath ?? s.file}:${s.line}`)}`
}

function attributionSection(a: Attribution | undefined, top: number): string {
  if (!a) return ''
  const out: string[] = []
  const sites = a.heap.filter((s) => !s.withinNoise).slice(0, top)
  if (sites.length) {
    out.push(
      '#### Where the heap grows',
      '',
      '| allocation site | kept | rate | per request |',
      '|---|---|---|---|'
    )
    for (const s of sites)
      out.push(
        `| ${siteCell(s)} | ${formatBytes(s.inuseBytesGrowth)} | ${formatByteRate(s.bytesPerSec)} | ${s.bytesPerRequest === undefined ? '—' : formatBytes(s.bytesPerRequest)} |`
      )
  }
  const stacks = a.goroutines.filter((g) => g.countGrowth > 0).slice(0, top)
  if (stacks.length) {
    if (out.length) out.push('')
    out.push(
      '#### Goroutines that pile up',
      '',
      '| blocked at | waiting on | created by | added | rate |',
      '|---|---|---|---|---|'
    )
    for (const g of stacks)
      out.push(
        `| ${code(g.function)}<br>${code(`${g.repoPath ?? g.file}:${g.line}`)}${g.provenLeaked ? ' **proven leaked**' : ''} | ${escapeText(g.waitReason ?? '—')} | ${g.createdBy ? code(g.createdBy) : '—'} | +${num(g.countGrowth)} | ${formatCountRate(g.perSec)} |`
      )
  }
  for (const note of a.notes ?? []) out.push('', `_${escapeText(note)}_`)
  return out.join('\n')
}

function charts(report: Report): string {
  const { head, base } = report.runs
  const series = base
    ? [
        { label: 'base', samples: base.samples },
        { label: 'head', samples: head.samples }
      ]
    : [{ label: 'head', samples: head.samples }]
  if (head.samples.length < 2) return ''
  return [
    xyChart('Live heap after GC', 'MiB', series, (s) => s.liveHeapBytes, 1024 * 1024),
    xyChart('Goroutines', 'count', series, (s) => s.goroutines)
  ].join('\n\n')
}

function runDetails(run: Run): string[] {
  const load = run.load
  const loadText =
    load.kind === 'built-in'
      ? `built-in load: ${num(load.requests)} requests, ${num(load.errors)} errors, ${num(load.achievedRatePerSec, 0)} req/s achieved`
      : `load-command ${code(load.command ?? '')}${load.exitCode ? `, exit code ${num(load.exitCode)}` : ''}`
  const quiet = describeQuiescence(run.quiescence)
  return [
    `- **${run.side === 'base' ? 'base' : 'head'}**${run.ref ? ` ${code(String(run.ref))}` : ''}${run.commit ? ` ${code(String(run.commit).slice(0, 12))}` : ''}: ${num(run.samples.length)} samples over ${num(run.durationSec, 0)}s after a ${num(run.warmupSec)}s warm-up; ${loadText}`,
    ...(quiet ? [`  - ${escapeText(quiet)}`] : []),
    ...run.sampleNotes.map((n) => `  - ${escapeText(n)}`)
  ]
}

function details(report: Report): string {
  const { head, base } = report.runs
  const flags = Object.entries(report.config)
    .filter(([k, v]) => INPUTS.find((i) => i.name === k && !i.actionOnly && i.default !== v))
    .map(([k, v]) => `--${k} ${shellQuote(String(v))}`)
  const files = head.attribution?.files
  const lines = [
    '<details><summary>Run details</summary>',
    '',
    ...(base ? runDetails(base) : []),
    ...runDetails(head),
    '',
    'Reproduce locally:',
    '',
    // <pre> with every character escaped: config values come from the workflow, and in
    // the fork-safe comment mode from untrusted code; a ``` fence could be closed by them.
    `<pre><code>${escapeText([REPRODUCE, ...flags].join(' '))}</code></pre>`,
    '',
    files?.heapFirst && files.heapLast
      ? `What the heap kept, by line, from the raw profiles in the artifact: ${code(`go tool pprof -diff_base ${files.heapFirst} ${files.heapLast}`)}${files.flamegraph ? `; as a flame graph: ${code(files.flamegraph)}` : ''}.`
      : `Raw profiles are in ${code(head.profilesDir)} of the output folder.`,
    '',
    '</details>'
  ]
  return lines.join('\n')
}

/** POSIX quoting; a multi-line value (env) becomes $'…' with \n escapes, on one line. */
/** The CLI as a user outside this repository runs it: npm fetches it from the repository. */
const REPRODUCE = 'npx github:go-memgate/go-memgate run'

function shellQuote(v: string): string {
  if (/^[\w./:@%=,-]+$/.test(v)) return v
  if (/[\n\r]/.test(v)) return `$'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`
  return `'${v.replace(/'/g, `'\\''`)}'`
}
