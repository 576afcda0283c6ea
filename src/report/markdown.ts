// report.json -> markdown: the PR comment, the job summary and report.md. The first screen
// answers what a reviewer asks first: the verdict; what grows, how fast, against what;
// which commits; which line; what to do next. Then one table of the growth, then the rest.
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
  type SourceLink,
  type Trend,
  type Verdict
} from '../model.js'
import {
  formatBytes,
  formatByteRate,
  formatCountRate,
  formatSignedRate,
  formatRate,
  parseRate
} from '../units.js'
import { xyChart, type ChartLine } from './chart.js'
import {
  adviceFor,
  confidenceText,
  describeComparison,
  describeDetectable,
  describeQuiescence,
  describeStop,
  summarizeGrowth
} from './judgement.js'
import { code, escapeText, num } from './escape.js'
import { describeInterval } from './sampling-cost.js'

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
    firstScreen(report),
    growthTable(report),
    reasons(report),
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
  const shorter = [
    firstScreen(report),
    growthTable(report),
    attributionSection(report.runs.head.attribution, 3)
  ]
    .filter(Boolean)
    .join('\n\n')
  if (shorter.length + note.length <= max) return shorter + note
  // Cut at a line end: a cut inside an entity or a <code> would break the markup after it.
  const cut = shorter.slice(0, max - note.length)
  return cut.slice(0, cut.lastIndexOf('\n')) + note
}

function firstScreen(report: Report): string {
  const name = report.name === 'memgate' ? '' : ` (${escapeText(report.name)})`
  const lines = [`### ${HEADLINE[report.verdict]}${name}`, '']
  for (const notice of report.notices) lines.push(`> [!NOTE]\n> ${escapeText(notice)}`, '')
  const leak = leakingLine(report)
  const items = [growthLine(report), commitsLine(report), leak, nextStep(report, leak !== null)]
  for (const item of items) if (item) lines.push(`- ${item}`)
  return lines.join('\n').trim()
}

/** Each judged series' growth, the failing ones in bold. */
function growthLine(report: Report): string | null {
  const parts = summarizeGrowth(report).map((g) => {
    const text = escapeText(g.text)
    return g.outcome === 'fail' ? `**${text}**` : text
  })
  if (!parts.length) return report.reasons.length ? escapeText(report.reasons[0]) : null
  const line = parts.join('; ')
  // Capitalised past the bold marker.
  return line.replace(/^(\**)(\w)/, (_, bold: string, c: string) => bold + c.toUpperCase())
}

const SHA = /^[0-9a-f]{7,40}$/
const REPOSITORY_URL = /^https:\/\/[\w.-]+(?::\d+)?\/[\w.-]+\/[\w.-]+$/

/** The repository and head commit to link to; in comment mode the report is untrusted: both must look right. */
function sourceOf(report: Report): SourceLink | null {
  const s = report.source
  const ok =
    typeof s?.repositoryUrl === 'string' &&
    REPOSITORY_URL.test(s.repositoryUrl) &&
    typeof s.commit === 'string' &&
    SHA.test(s.commit)
  return ok ? s : null
}

const shaOf = (commit: unknown): string | null =>
  typeof commit === 'string' && SHA.test(commit) ? commit : null

/** `html` as a link when there is somewhere to go. */
const link = (href: string | null, html: string) =>
  href === null ? html : `<a href="${escapeText(href)}">${html}</a>`

/** "base `main` 3f5c2a9 → head 9e8d7c6", short SHAs linked to their commits. */
function commitsLine(report: Report): string | null {
  const source = sourceOf(report)
  const commit = (sha: string) =>
    link(source && `${source.repositoryUrl}/commit/${sha}`, code(sha.slice(0, 7)))
  const head = shaOf(report.runs.head.commit) ?? source?.commit ?? null
  const base = report.runs.base
  const baseSha = shaOf(base?.commit)
  if (!head && !baseSha) return null
  const headText = `head ${head ? commit(head) : 'the working tree'}`
  if (!base) return `Commit: ${headText}`
  const baseText = [
    'base',
    ...(base.ref ? [code(String(base.ref))] : []),
    baseSha ? commit(baseSha) : 'a stored report'
  ].join(' ')
  return `Commits: ${baseText} → ${headText}`
}

/** "svc/cache.go:42", linked to that line at the head commit when the repository is known. */
function lineLink(report: Report, at: { repoPath?: string; file: string; line: number }): string {
  const source = sourceOf(report)
  const path = at.repoPath
  const text = code(`${path ?? at.file}:${at.line}`)
  const linkable = source && typeof path === 'string' && Number.isInteger(at.line) && !path.startsWith('/')
  if (!linkable || path.split('/').includes('..')) return text
  let blob: string
  try {
    blob = path.split('/').map(encodeURIComponent).join('/')
  } catch {
    return text // a lone surrogate, from a hostile report: no link
  }
  return link(`${source.repositoryUrl}/blob/${source.commit}/${blob}#L${at.line}`, text)
}

/** The line that keeps what the worst judgement's series grows by. */
function leakingLine(report: Report): string | null {
  const a = report.runs.head.attribution
  const worst = report.judgements.find((j) => j.outcome === report.verdict && j.series !== null)
  if (report.verdict === 'pass' || !a || !worst) return null
  const site = worst.series === 'heap' ? a.heap.find((s) => !s.withinNoise) : undefined
  if (site && site.kind !== 'goroutines')
    return `Leaking line: ${lineLink(report, site)} in ${code(site.function)}: ${formatBytes(site.inuseBytesGrowth)} kept${site.bytesPerRequest === undefined ? '' : `, ${formatBytes(site.bytesPerRequest)}/request`}`
  const group = a.goroutines.find((g) => g.countGrowth > 0)
  if (!group || (worst.series !== 'goroutines' && !site)) return null
  return `Goroutines pile up at: ${lineLink(report, group)} in ${code(group.function)}${group.waitReason ? ` (${escapeText(group.waitReason)})` : ''}: +${num(group.countGrowth)}`
}

/** What the reader does next: fix the line, or get a clearer answer; reproduce either way. */
function nextStep(report: Report, leakShown: boolean): string | null {
  if (report.verdict === 'pass') return null
  const reproduce = `reproduce: ${code(reproduceCommand(report))}`
  if (report.verdict === 'inconclusive') {
    const advice = report.judgements.map(adviceFor).find((a) => a !== null)
    return `Next: ${advice ? `${escapeText(advice)}; ` : ''}${reproduce}`
  }
  const files = report.runs.head.attribution?.files
  const look = leakShown
    ? 'the line above'
    : files?.flamegraph
      ? `the flame graph ${code(files.flamegraph)} in the artifact`
      : `the raw profiles in ${code(report.runs.head.profilesDir)} of the artifact`
  return `Next: look at ${look}; ${reproduce}`
}

/** A limit as the user wrote it, in the units the report writes everywhere: "512 KiB/min". */
function limitOf(report: Report, input?: string): string {
  if (!input) return 'not judged'
  const text = String(report.config[input] ?? INPUTS.find((i) => i.name === input)?.default ?? '')
  if (text === 'off') return 'off'
  try {
    const { value, per, kind } = parseRate(text)
    if (per === 'second') return formatRate(value, kind)
    if (kind === 'bytes') return `${formatBytes(value)}/request`
    return value < 1 ? `1 per ${Math.round(1 / value)} requests` : `${value}/request`
  } catch {
    return escapeText(text)
  }
}

/** Whether a judgement of `series` against `against` failed: its cell is bold. */
const failed = (report: Report, series: SeriesName, against: 'limit' | 'base') =>
  report.judgements.some((j) => j.series === series && j.against === against && j.outcome === 'fail')

const bold = (text: string, on: boolean) => (on ? `**${text}**` : text)

function growthTable(report: Report): string {
  return report.runs.base ? comparisonTable(report, report.runs.base) : headTable(report)
}

/** Without a baseline: the head's growth, its interval and its second half. */
function headTable(report: Report): string {
  const head = report.runs.head
  const confidence = head.trends.heap?.confidence ?? head.trends.goroutines?.confidence
  const rows = [
    `| | growth | ${confidenceText(confidence)} interval | second half | limit |`,
    '|---|---|---|---|---|'
  ]
  for (const name of SERIES_NAMES) {
    const s = SERIES[name]
    const t = head.trends[name]
    if (!s.limitInput && !t) continue
    const r = (v: number) => formatSignedRate(v, s.unit)
    const cells = t
      ? [
          bold(r(t.slopePerSec), failed(report, name, 'limit')),
          `${r(t.ciLow)} … ${r(t.ciHigh)}`,
          r(t.lateSlopePerSec)
        ]
      : ['—', '—', '—']
    rows.push(`| ${s.title} | ${cells.join(' | ')} | ${limitOf(report, s.limitInput)} |`)
  }
  return rows.join('\n')
}

/** With a baseline: one row a series, head, base and their difference side by side. */
function comparisonTable(report: Report, base: Run): string {
  const head = report.runs.head
  const rows = ['| | head | base | Δ head − base | limit |', '|---|---|---|---|---|']
  for (const name of SERIES_NAMES) {
    const s = SERIES[name]
    const [h, b] = [head.trends[name], base.trends[name]]
    if (!s.limitInput && !h) continue
    const r = (v: number) => formatSignedRate(v, s.unit)
    const slope = (t: Trend | null) => (t ? r(t.slopePerSec) : '—')
    const c = s.limitInput ? report.comparison?.[name as JudgedSeries] : undefined
    const difference = c ? c.diffPerSec : h && b ? h.slopePerSec - b.slopePerSec : null
    const limit = s.limitInput
      ? `${limitOf(report, s.limitInput)}; Δ ${c && c.limitPerSec !== null ? `≤ ${r(c.limitPerSec)}` : 'off'}`
      : 'not judged'
    rows.push(
      `| ${s.title} | ${bold(slope(h), failed(report, name, 'limit'))} | ${slope(b)} | ${difference === null ? '—' : bold(r(difference), failed(report, name, 'base'))} | ${limit} |`
    )
  }
  return rows.join('\n')
}

/** Every judgement in a sentence, with its interval; what the run could catch; where it stopped. */
function reasons(report: Report): string {
  const head = report.runs.head
  const after = [...describeDetectable(head), describeStop(head), ...describeComparison(report)].filter(
    (l) => l !== null
  )
  return [
    ...report.reasons.map((r) => `- ${escapeText(r)}`),
    ...(after.length ? ['', ...after.map((l) => `_${escapeText(l)}_`)] : [])
  ].join('\n')
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
    if (a.goroutineLeakProfile)
      out.push(
        '',
        '_Built with GOEXPERIMENT=goroutineleakprofile: goroutines the runtime proved leaked are marked so._'
      )
  }
  for (const note of a.notes ?? []) out.push(...(out.length ? [''] : []), `_${escapeText(note)}_`)
  return out.join('\n')
}

const CHARTS: { series: JudgedSeries; title: string; unit: string; scale: number }[] = [
  { series: 'heap', title: 'Live heap after GC', unit: 'MiB', scale: 1024 * 1024 },
  { series: 'goroutines', title: 'Goroutines', unit: 'count', scale: 1 }
]

function charts(report: Report): string {
  const { head, base } = report.runs
  if (head.samples.length < 2) return ''
  const lines: ChartLine[] = [
    ...(base ? [{ role: 'base' as const, samples: base.samples }] : []),
    { role: 'head', samples: head.samples }
  ]
  return CHARTS.map(({ series, title, unit, scale }) => {
    const value = SERIES[series].value
    const chart = xyChart({ title, unit, lines, value, scale, limitPerSec: chartLimit(report, series) })
    if (chart) return chart
    // A series that never moved needs no chart: one line says so.
    const held = value(head.samples[0])
    return `_${title}: ${SERIES[series].unit === 'bytes' && held !== null ? formatBytes(held) : num(held)} in every sample._`
  }).join('\n\n')
}

/** The growth the chart's limit line rises at: the absolute limit, else the base's growth plus the allowed increase. */
function chartLimit(report: Report, series: JudgedSeries): number | null {
  const absolute = report.judgements.find((j) => j.series === series && j.against === 'limit')
  if (absolute?.limitPerSec !== undefined) return absolute.limitPerSec
  const allowed = report.comparison?.[series]?.limitPerSec
  const baseSlope = report.runs.base?.trends[series]?.slopePerSec
  return typeof allowed === 'number' && baseSlope !== undefined ? baseSlope + allowed : null
}

function runDetails(run: Run): string[] {
  const load = run.load
  const loadText =
    load.kind === 'built-in'
      ? `built-in load: ${num(load.requests)} requests, ${num(load.errors)} errors, ${num(load.achievedRatePerSec, 0)} req/s achieved`
      : `load-command ${code(load.command ?? '')}${load.exitCode ? `, exit code ${num(load.exitCode)}` : ''}`
  const quiet = describeQuiescence(run.quiescence)
  const interval = describeInterval(run.interval)
  return [
    `- **${run.side === 'base' ? 'base' : 'head'}**${run.ref ? ` ${code(String(run.ref))}` : ''}${run.commit ? ` ${code(String(run.commit).slice(0, 12))}` : ''}: ${num(run.samples.length)} samples over ${num(run.durationSec, 0)}s after a ${num(run.warmupSec)}s warm-up; ${loadText}`,
    ...(quiet ? [`  - ${escapeText(quiet)}`] : []),
    ...(interval ? [`  - ${escapeText(interval)}`] : []),
    ...run.sampleNotes.map((n) => `  - ${escapeText(n)}`)
  ]
}

function details(report: Report): string {
  const { head, base } = report.runs
  const files = head.attribution?.files
  const lines = [
    '<details><summary>Run details</summary>',
    '',
    ...(base ? runDetails(base) : []),
    ...runDetails(head),
    '',
    // A fail or an inconclusive gives the command on its first screen.
    ...(report.verdict === 'pass'
      ? ['Reproduce locally:', '', `<pre><code>${escapeText(reproduceCommand(report))}</code></pre>`, '']
      : []),
    files?.heapFirst && files.heapLast
      ? `What the heap kept, by line, from the raw profiles in the artifact: ${code(`go tool pprof -diff_base ${files.heapFirst} ${files.heapLast}`)}${files.flamegraph ? `; as a flame graph: ${code(files.flamegraph)}` : ''}.`
      : `Raw profiles are in ${code(head.profilesDir)} of the output folder.`,
    '',
    '</details>'
  ]
  return lines.join('\n')
}

/**
 * The CLI run that measures what this run did, as a user outside this repository runs it:
 * npm fetches the tool at its version's tag. Flags are the inputs that differ from their
 * defaults, except that on a pull request the action's `baseline: auto` is the merge-base
 * (on the CLI, auto is none) and the branch it was taken from.
 */
function reproduceCommand(report: Report): string {
  const version = report.tool?.version
  const pin = typeof version === 'string' && /^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(version) ? `#v${version}` : ''
  const config: Record<string, unknown> = { ...report.config }
  const base = report.runs.base
  if ((config.baseline ?? 'auto') === 'auto' && base) config.baseline = 'merge-base'
  if (config.baseline === 'merge-base' && !config['base-ref'] && base?.ref) config['base-ref'] = base.ref
  const flags = Object.entries(config)
    .filter(([k, v]) => INPUTS.find((i) => i.name === k && !i.actionOnly && i.default !== v))
    .map(([k, v]) => `--${k} ${shellQuote(String(v))}`)
  return [`npx github:go-memgate/go-memgate${pin} run`, ...flags].join(' ')
}

/** POSIX quoting; a multi-line value (env) becomes $'…' with \n escapes, on one line. */
function shellQuote(v: string): string {
  if (/^[\w./:@%=,-]+$/.test(v)) return v
  if (/[\n\r]/.test(v)) return `$'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`
  return `'${v.replace(/'/g, `'\\''`)}'`
}
