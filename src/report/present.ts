// report.json -> ReportView: every display decision made once, in the manner of benchstat's
// Comparison (numbers) and FormatDelta (words at the edge). What is listed, rounding,
// plurals and per-request forms, each limit's text (from the judgements' numbers, never
// from report.config, which in comment mode comes from an untrusted fork), links and what
// is said first; markdown.ts, terminal.ts and the GitHub adapters only lay the view out.
import { INPUTS } from '../inputs.js'
import { packageOf } from '../profile/frames.js'
import {
  SERIES,
  SERIES_NAMES,
  type GoroutineGroup,
  type HeapSite,
  type JudgedSeries,
  type Report,
  type Run,
  type SeriesName,
  type SourceLink,
  type Trend,
  type Verdict
} from '../model.js'
import { formatBytes, formatByteRate, formatCountRate, formatRate, formatSignedRate } from '../units.js'
import type { ChartLine } from './chart.js'
import { CAVEAT_PRIORITY, placeCaveats, type Caveat } from './caveats.js'
import { num } from './escape.js'
import {
  adviceFor,
  capitalized,
  containerGrowth,
  confidenceText,
  describeComparison,
  describeDetectable,
  causeFirst,
  describeJudgement,
  describeQuiescence,
  describeStop,
  limitAsGiven,
  summarizeGrowth
} from './judgement.js'
import { describeAllocation } from './load-reach.js'
import { describeInterval } from './sampling-cost.js'
import { describeRunNotes } from './run-notes.js'
import { signatureAnnotation, signatureLine } from './signatures.js'
import { describeSamplingRate } from './sampling-rate.js'
import type {
  Cell,
  ChartView,
  GoroutineGroupView,
  HeapSiteView,
  Line,
  ReportView,
  RunView,
  Span,
  Trusted
} from './view.js'

const HEADLINE: Record<Verdict, string> = {
  pass: '✅ go-memgate: no memory growth beyond the limits',
  fail: '❌ go-memgate: memory grows — this check fails',
  inconclusive: '⚠️ go-memgate: inconclusive — growth could not be told from noise'
}

/** An inconclusive run whose load did not reach the service's code says that first. */
const LOAD_MISSED_HEADLINE = "⚠️ go-memgate: inconclusive — the load did not reach the service's code"

const loadMissed = (report: Report) => report.judgements.some((j) => j.rule === 'load-missed-code')

/**
 * A fail names its cause (goroutines, when they grow most against their limit); an
 * inconclusive run whose load missed the code says so.
 */
function headline(report: Report): string {
  const cause = causeFirst(report)[0]
  if (report.verdict === 'fail' && cause?.outcome === 'fail' && cause.series === 'goroutines')
    return '❌ go-memgate: goroutines pile up — this check fails'
  if (report.verdict === 'inconclusive' && loadMissed(report)) return LOAD_MISSED_HEADLINE
  return HEADLINE[report.verdict]
}

const VERDICT_WORD: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE' }

/** `trusted` in comment mode: what the event confirms, where the report is a fork's word. */
export function present(report: Report, trusted?: Trusted): ReportView {
  const { head, base } = report.runs
  const name = trusted?.name ?? report.name
  const source = sourceOf(report, trusted)
  const a = head.attribution
  // Listed once, for every output: growth past the sampling noise, and groups that pile up or were proven leaked.
  const sites = a?.heap.filter((s) => !s.withinNoise && s.bytesPerSec > 0) ?? []
  const groups = a?.goroutines.filter((g) => g.countGrowth > 0 || g.provenLeaked) ?? []
  // Schema 1 reports kept no judgements, only their reasons.
  const reasons = report.judgements.length
    ? report.judgements.map((j) => describeJudgement(j, report.verdict))
    : report.reasons
  const leak = leakingLine(report, source, sites, groups)
  const placed = placeCaveats(caveats(report, leak !== null))
  // A command built from a fork's config (`--build-command 'curl … | sh'`) is not offered.
  const reproduce = trusted ? null : reproduceCommand(report)
  return {
    verdict: report.verdict,
    verdictWord: VERDICT_WORD[report.verdict],
    headline: headline(report),
    name: name === 'memgate' ? null : name,
    notices: listed(report.notices, 'notices'),
    growth: growth(report, reasons),
    commits: commitsLine(report, source, trusted !== undefined),
    leakingLine: leak,
    knownMisuse: knownMisuse(report, source, name),
    nextStep: nextStep(report, leak !== null, reproduce),
    failOnNote: failOnNote(
      report.verdict,
      trusted?.failOn ?? report.config['fail-on'] ?? 'fail',
      loadMissed(report)
    ),
    growthTable: base ? comparisonTable(report, base) : headTable(report),
    trendTable: trendTable(report),
    reasons,
    caveats: placed.firstScreen,
    moreCaveats: placed.folded,
    brief: report.verdict === 'pass',
    heapSites: sites.map((s) => heapSiteView(name, s)),
    goroutineGroups: groups.map((g) => groupView(name, g)),
    goroutineLeakProfileNote:
      a?.goroutineLeakProfile && groups.length
        ? 'Built with GOEXPERIMENT=goroutineleakprofile: goroutines the runtime proved leaked are marked so.'
        : null,
    newInHead: report.comparison?.newInHead?.slice(0, 10) ?? [],
    charts: charts(report),
    runs: [...(base ? [runView(base)] : []), runView(head)],
    reproduce,
    profiles: profilesLine(head, uploaded(report)),
    outputs: {
      heapSlopePerSec: head.trends.heap?.slopePerSec ?? null,
      goroutineSlopePerSec: head.trends.goroutines?.slopePerSec ?? null
    }
  }
}

/** Each judged series' growth, worst judgement first; without one, the first reason. */
function growth(report: Report, reasons: string[]): Cell[] {
  const items = summarizeGrowth(report).map((g) => ({ text: g.text, failed: g.outcome === 'fail' }))
  if (!items.length) return reasons.length ? [{ text: reasons[0], failed: false }] : []
  items[0].text = capitalized(items[0].text)
  return items
}

/**
 * What limits what this run says, each with its priority (caveats.ts). A fail caught what it
 * caught: the smallest catchable leak is said of a pass or an inconclusive only. A pass asks
 * for nothing: no advice on sampling or on repeats.
 */
function caveats(report: Report, leakShown: boolean): Caveat[] {
  const head = report.runs.head
  const pass = report.verdict === 'pass'
  const { reach, method } = CAVEAT_PRIORITY
  const detectable = report.verdict === 'fail' ? null : describeDetectable(head)
  // Coarse sampling matters on the first screen of a fail whose line was not named.
  const sampling = !pass && head.attribution ? describeSamplingRate(head.attribution) : null
  const unnamed = report.verdict === 'fail' && !leakShown
  const stop = describeStop(head, report.verdict)
  return [
    ...(detectable ? [{ text: detectable, priority: reach }] : []),
    ...(sampling ? [{ text: sampling, priority: unnamed ? reach : method }] : []),
    ...(stop ? [{ text: stop, priority: method }] : []),
    ...describeComparison(report, !pass).map((text) => ({ text, priority: method }))
  ]
}

const SHA = /^[0-9a-f]{7,40}$/
const REPOSITORY_URL = /^https:\/\/[\w.-]+(?::\d+)?\/[\w.-]+\/[\w.-]+$/

const shaOf = (commit: string | undefined): string | null => (commit && SHA.test(commit) ? commit : null)

/**
 * The repository and head commit to link to: the report's, when both look right; in comment
 * mode this run's repository at the head the event names, and only when the report claims
 * that head, since a fork's report may claim any commit.
 */
function sourceOf(report: Report, trusted: Trusted | undefined): SourceLink | null {
  if (trusted) {
    const { repositoryUrl, headSha } = trusted
    // A pull_request run measured GitHub's merge commit: it claims the PR's head beside it.
    const merge = shaOf(report.source?.merge)
    const claimed = merge
      ? shaOf(report.source?.commit)
      : (shaOf(report.runs.head.commit) ?? shaOf(report.source?.commit))
    if (!repositoryUrl || !headSha || claimed !== headSha) return null
    return { repositoryUrl, commit: headSha, ...(merge ? { merge } : {}) }
  }
  const s = report.source
  return s && REPOSITORY_URL.test(s.repositoryUrl) && SHA.test(s.commit) ? s : null
}

/**
 * "base `main` 3f5c2a9 → head 9e8d7c6", short SHAs linked to their commits. In comment mode
 * (`untrusted`) the base, a merge-base the fork's run found, is only the report's word, and
 * so is a head the event does not confirm: said so, unlinked.
 */
function commitsLine(report: Report, source: SourceLink | null, untrusted: boolean): Line | null {
  const commit = (sha: string, linked: boolean): Span => ({
    code: sha.slice(0, 7),
    url: linked && source ? `${source.repositoryUrl}/commit/${sha}` : null
  })
  const said = untrusted ? [' (as the report says)'] : []
  const merge = shaOf(source?.merge)
  // The PR's head, which its author pushed, rather than GitHub's merge commit that was measured.
  const head = (merge ? source?.commit : shaOf(report.runs.head.commit)) ?? source?.commit ?? null
  const base = report.runs.base
  const baseSha = shaOf(base?.commit)
  if (!head && !baseSha) return null
  const measured: Line =
    merge && head
      ? [` (measured the merge of head ${head.slice(0, 7)} into base: `, { code: merge.slice(0, 7) }, ')']
      : []
  const headSpans: Line = [
    'head ',
    head ? commit(head, true) : 'the working tree',
    ...measured,
    ...(source ? [] : said)
  ]
  if (!base) return ['Commit: ', ...headSpans]
  return [
    'Commits: base ',
    ...(base.ref ? [{ code: base.ref }, ' '] : []),
    baseSha ? commit(baseSha, !untrusted) : 'a stored report',
    ...said,
    ' → ',
    ...headSpans
  ]
}

/** "svc/cache.go:42", linked to that line at the head commit when the repository is known. */
function lineSpan(source: SourceLink | null, at: { repoPath?: string; file: string; line: number }): Span {
  const path = at.repoPath
  const text = `${path ?? at.file}:${at.line}`
  const linkable = source && typeof path === 'string' && Number.isInteger(at.line) && !path.startsWith('/')
  if (!linkable || path.split('/').includes('..')) return { code: text }
  try {
    const blob = path.split('/').map(encodeURIComponent).join('/')
    return { code: text, url: `${source.repositoryUrl}/blob/${source.commit}/${blob}#L${at.line}` }
  } catch {
    return { code: text } // a lone surrogate, from a hostile report: no link
  }
}

/**
 * The site a developer acts on: the first that is the service's or a library's line, else
 * the first kept by goroutines a service line started. Never a standard-library line.
 */
function siteToName(sites: HeapSite[]): HeapSite | undefined {
  const changeable = sites.find((s) => !s.kind && s.owner !== 'standard-library')
  return changeable ?? sites.find((s) => !s.kind && s.startedBy !== undefined)
}

/** "net/http goroutines begun in (*persistConn).readLoop", from the function they began in. */
function libraryGoroutines(entry: string): string {
  return libraryGoroutinesLine(entry)
    .map((span) => (typeof span === 'string' ? span : span.code))
    .join('')
}

function libraryGoroutinesLine(entry: string): Line {
  const pkg = packageOf(entry)
  return [{ code: pkg }, ' goroutines begun in ', { code: entry.slice(pkg.length + 1) }]
}

function keptWords(site: HeapSite): string {
  return `${formatBytes(site.inuseBytesGrowth)} kept${site.bytesPerRequest === undefined ? '' : `, ${perRequest(site)}/request`}`
}

/** "1.0 KiB (0.6–1.5 KiB)": bytes per request and its 95 % interval from the sampling noise. */
function perRequest(site: HeapSite): string {
  const i = site.bytesPerRequestInterval
  const at = formatBytes(site.bytesPerRequest ?? 0)
  return i ? `${at} (${formatBytes(i.low)}–${formatBytes(i.high)})` : at
}

/** `lead`, then "`main.go:22` in `main.handle`", then the rest. */
function lineIn(
  lead: string,
  source: SourceLink | null,
  at: { function: string; repoPath?: string; file: string; line: number },
  rest: Line
): Line {
  return [lead, lineSpan(source, at), ' in ', { code: at.function }, ...rest]
}

/** The line that keeps what the worst judgement's series grows by. */
function leakingLine(
  report: Report,
  source: SourceLink | null,
  sites: HeapSite[],
  groups: GoroutineGroup[]
): Line | null {
  const worst = causeFirst(report).find((j) => j.outcome === report.verdict && j.series !== null)
  if (report.verdict === 'pass' || !report.runs.head.attribution || !worst) return null
  const site = worst.series === 'heap' ? siteToName(sites) : undefined
  const changed = site?.changedInPr ? ' (changed in this PR)' : ''
  if (site?.owner === 'standard-library' && site.startedBy)
    return lineIn('Leaking line: ', source, site.startedBy, [
      ' starts the ',
      ...libraryGoroutinesLine(site.function),
      `${changed}: ${keptWords(site)}`
    ])
  // A library's own goroutines allocate it: the service line that started them, then the library's line.
  if (site?.owner === 'library' && site.startedBy)
    return lineIn('Leaking line: ', source, site.startedBy, [
      ' starts the goroutines on which ',
      { code: site.function },
      ' at ',
      lineSpan(source, site),
      ` allocates${changed}: ${keptWords(site)}`
    ])
  if (site) return lineIn('Leaking line: ', source, site, [`${changed}: ${keptWords(site)}`])
  // A container's one array replaced by a larger clears no noise test, but its judgement names it.
  const container =
    worst.series === 'heap' ? report.judgements.find((j) => j.container)?.container : undefined
  if (container && !sites.some((s) => !s.kind))
    return lineIn('Leaking line: ', source, container, [
      `: a container that grows in steps holds ${containerGrowth(container)}`
    ])
  const held = worst.series === 'heap' ? sites.find((s) => !s.kind) : undefined
  if (held && !groups.length)
    return [
      'Memory is held by ',
      ...libraryGoroutinesLine(held.function),
      ...(held.goroutinesCreatedBy ? [' (created by ', { code: held.goroutinesCreatedBy }, ')'] : []),
      `; no line of the service links to them: ${keptWords(held)}`
    ]
  const group = groups[0]
  if (!group || (worst.series !== 'goroutines' && !held)) return null
  const count = `${group.waitReason ? ` (${group.waitReason})` : ''}: +${num(group.countGrowth)}`
  // Goroutines of the standard library alone: the service line that started them, else who did.
  if (group.entry && group.startedBy)
    return lineIn('Goroutines pile up: ', source, group.startedBy, [
      ' starts the ',
      ...libraryGoroutinesLine(group.entry),
      count
    ])
  if (group.entry)
    return [
      'Goroutines pile up: ',
      ...libraryGoroutinesLine(group.entry),
      ...(group.createdBy ? [' (created by ', { code: group.createdBy }, ')'] : []),
      `; no line of the service links to them${count}`
    ]
  // A library's goroutines: the service line that started them, then where they wait.
  if (group.startedBy)
    return lineIn('Goroutines pile up: ', source, group.startedBy, [
      ' starts the goroutines that wait in ',
      { code: group.function },
      ' at ',
      lineSpan(source, group),
      count
    ])
  return lineIn('Goroutines pile up at: ', source, group, [count])
}

/** The most certain known misuse of a failing or inconclusive run: cause, fix and the line to change. */
function knownMisuse(report: Report, source: SourceLink | null, gate: string): ReportView['knownMisuse'] {
  const signature = report.runs.head.attribution?.signatures?.[0]
  if (report.verdict === 'pass' || !signature) return null
  const { site } = signature
  return {
    line: signatureLine(signature, site ? lineSpan(source, site) : null),
    annotation:
      site?.repoPath !== undefined
        ? { ...signatureAnnotation(gate, signature), file: site.repoPath, line: site.line }
        : null
  }
}

/** What the reader does next: fix the line, or get a clearer answer; reproduce either way. */
function nextStep(report: Report, leakShown: boolean, reproduce: string | null): Line | null {
  if (report.verdict === 'pass') return null
  const again: Line =
    reproduce === null
      ? [
          'to reproduce, see the run that measured it (no command here: its config came from the pull request)'
        ]
      : ['reproduce: ', { code: reproduce }]
  if (report.verdict === 'inconclusive') {
    const advice = report.judgements.map(adviceFor).find((a) => a !== null)
    return ['Next: ', ...(advice ? [`${advice}; `] : []), ...again]
  }
  const head = report.runs.head
  const files = head.attribution?.files
  const kept = uploaded(report)
  const look: Line = leakShown
    ? ['the line above']
    : files?.flamegraph
      ? ['the flame graph ', { code: files.flamegraph }, kept ? ' in the artifact' : ` (${NOT_UPLOADED})`]
      : ['the raw profiles in ', { code: head.profilesDir }, kept ? ' of the artifact' : ` (${NOT_UPLOADED})`]
  return ['Next: look at ', ...look, '; ', ...again]
}

/**
 * Said when the check lets an inconclusive run through (`fail-on: fail`, the default), so
 * that passing is not read as "no leak".
 */
function failOnNote(verdict: Verdict, failOn: string, loadMissedCode: boolean): string | null {
  if (verdict !== 'inconclusive' || failOn !== 'fail') return null
  if (loadMissedCode)
    return "This check passes because fail-on is fail; the load did not reach the service's code, so a leak is neither found nor ruled out: point the load at the service's API, or set fail-on: inconclusive to fail on it."
  return 'This check passes because fail-on is fail; an inconclusive run means the growth could not be told from noise in max-duration, so a leak is neither found nor ruled out: raise max-duration or repeats, or set fail-on: inconclusive to fail on it.'
}

/** Whether the run's files went into the artifact (`upload-artifact`, on by default). */
export const uploaded = (report: Report) => report.config['upload-artifact'] !== 'false'

const NOT_UPLOADED =
  'not uploaded: upload-artifact was false, and the runner deletes its temp folder after the job'

/** A series' limit as the user gave it, from its judgement against the limit; none: the limit is off. */
function limitCell(report: Report, series: SeriesName): string {
  if (!SERIES[series].limitInput) return 'not judged'
  const j = report.judgements.find((j) => j.series === series && j.against === 'limit')
  return j ? (limitAsGiven(j) ?? '—') : 'off'
}

/** Whether a judgement of `series` against `against` failed: its cell is stressed. */
const failed = (report: Report, series: SeriesName, against: 'limit' | 'base') =>
  report.judgements.some((j) => j.series === series && j.against === against && j.outcome === 'fail')

const plain = (text: string): Cell => ({ text, failed: false })

/** Without a baseline: the head's growth, its interval and its second half. */
function headTable(report: Report): ReportView['growthTable'] {
  const head = report.runs.head
  const confidence = head.trends.heap?.confidence ?? head.trends.goroutines?.confidence
  const rows: Cell[][] = []
  for (const name of SERIES_NAMES) {
    const s = SERIES[name]
    const t = head.trends[name]
    if (!s.limitInput && !t) continue
    const r = (v: number) => formatSignedRate(v, s.unit)
    const cells = t
      ? [
          { text: r(t.slopePerSec), failed: failed(report, name, 'limit') },
          plain(`${r(t.ciLow)} … ${r(t.ciHigh)}`),
          plain(r(t.lateSlopePerSec))
        ]
      : [plain('—'), plain('—'), plain('—')]
    rows.push([plain(s.title), ...cells, plain(limitCell(report, name))])
  }
  return { header: ['', 'growth', `${confidenceText(confidence)} interval`, 'second half', 'limit'], rows }
}

/** With a baseline: one row a series, head, base and their difference side by side. */
function comparisonTable(report: Report, base: Run): ReportView['growthTable'] {
  const head = report.runs.head
  const rows: Cell[][] = []
  for (const name of SERIES_NAMES) {
    const s = SERIES[name]
    const [h, b] = [head.trends[name], base.trends[name]]
    if (!s.limitInput && !h) continue
    const r = (v: number) => formatSignedRate(v, s.unit)
    const slope = (t: Trend | null) => (t ? r(t.slopePerSec) : '—')
    const c = s.limitInput ? report.comparison?.[name as JudgedSeries] : undefined
    const difference = c ? c.diffPerSec : h && b ? h.slopePerSec - b.slopePerSec : null
    const limit = s.limitInput
      ? `${limitCell(report, name)}; Δ ${c && c.limitPerSec !== null ? `≤ ${r(c.limitPerSec)}` : 'off'}`
      : 'not judged'
    rows.push([
      plain(s.title),
      { text: slope(h), failed: failed(report, name, 'limit') },
      plain(slope(b)),
      difference === null ? plain('—') : { text: r(difference), failed: failed(report, name, 'base') },
      plain(limit)
    ])
  }
  return { header: ['', 'head', 'base', 'Δ head − base', 'limit'], rows }
}

/** Every run's trends, unsigned, for plain text. */
function trendTable(report: Report): string[][] {
  const head = report.runs.head
  const confidence = head.trends.heap?.confidence ?? head.trends.goroutines?.confidence
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
  return rows
}

/** What a row of the heap table says beside its line: who holds it, merged rows, the PR. */
function siteNote(s: HeapSite): string | null {
  const notes = [
    ...(s.changedInPr ? ['changed in this PR'] : []),
    ...(s.owner === 'standard-library' && !s.kind
      ? [
          s.startedBy
            ? `held by ${libraryGoroutines(s.function)}, started at ${s.startedBy.repoPath ?? s.startedBy.file}:${s.startedBy.line}`
            : `held by ${libraryGoroutines(s.function)}${s.goroutinesCreatedBy ? `, created by ${s.goroutinesCreatedBy}` : ''}`
        ]
      : []),
    ...(s.owner === 'library'
      ? [
          `in the library ${packageOf(s.function)}${s.startedBy ? `, on goroutines started at ${s.startedBy.repoPath ?? s.startedBy.file}:${s.startedBy.line}` : ''}`
        ]
      : []),
    ...(s.merged
      ? [
          `${s.merged.rows} ${s.merged.by === 'function' ? 'lines' : 'functions'}, each within the sampling noise, merged`
        ]
      : [])
  ]
  return notes.length ? notes.join('; ') : null
}

function heapSiteView(gate: string, s: HeapSite): HeapSiteView {
  const ratePerMin = formatByteRate(s.bytesPerSec)
  return {
    function: s.function,
    at: `${s.repoPath ?? s.file}:${s.line}`,
    goroutineRecords: s.kind === 'goroutines',
    note: siteNote(s),
    kept: formatBytes(s.inuseBytesGrowth),
    ratePerMin,
    perRequest: s.bytesPerRequest === undefined ? null : perRequest(s),
    // Goroutine records have no line to mark: the goroutine annotations mark their stack.
    annotation:
      s.repoPath && !s.kind
        ? {
            title: `go-memgate (${gate}): growing heap`,
            message: `${s.function} allocates memory that stays live: ${ratePerMin}.`,
            file: s.repoPath,
            line: s.line
          }
        : null
  }
}

function groupView(gate: string, g: GoroutineGroup): GoroutineGroupView {
  const ratePerMin = formatCountRate(g.perSec)
  const blocked = g.waitReason ? `, blocked in ${g.waitReason}` : ''
  const proof = g.provenLeaked ? ' The runtime proved them leaked.' : ''
  return {
    function: g.function,
    at: `${g.repoPath ?? g.file}:${g.line}`,
    waitReason: g.waitReason ?? null,
    // Goroutines a library began: the service line behind its go statement, when linked.
    createdBy: g.startedBy
      ? `${g.createdBy ?? g.entry}, for ${g.startedBy.function} ${g.startedBy.repoPath ?? g.startedBy.file}:${g.startedBy.line}`
      : (g.createdBy ?? null),
    added: `+${num(g.countGrowth)}`,
    ratePerMin,
    provenLeaked: g.provenLeaked === true,
    annotation: g.repoPath
      ? {
          title: `go-memgate (${gate}): growing goroutines`,
          message: `${g.count} goroutines wait here${blocked}, growing ${ratePerMin}.${proof}`,
          file: g.repoPath,
          line: g.line
        }
      : null
  }
}

const CHARTS: { series: JudgedSeries; title: string; unit: string; scale: number }[] = [
  { series: 'heap', title: 'Live heap after GC', unit: 'MiB', scale: 1024 * 1024 },
  { series: 'goroutines', title: 'Goroutines', unit: 'count', scale: 1 }
]

/** A chart for each series that grew past a limit or could not be judged clearly. */
function charts(report: Report): ChartView[] {
  const { head, base } = report.runs
  if (head.samples.length < 2) return []
  const shown = new Set(report.judgements.filter((j) => j.outcome !== 'pass').map((j) => j.series))
  const lines: ChartLine[] = [
    ...(base ? [{ role: 'base' as const, samples: base.samples }] : []),
    { role: 'head', samples: head.samples }
  ]
  return CHARTS.filter((c) => shown.has(c.series)).map(({ series, title, unit, scale }) => {
    const value = SERIES[series].value
    const held = value(head.samples[0])
    return {
      request: { title, unit, lines, value, scale, limitPerSec: chartLimit(report, series) },
      flat: `${title}: ${SERIES[series].unit === 'bytes' && held !== null ? formatBytes(held) : num(held)} in every sample.`
    }
  })
}

/** The growth the chart's limit line rises at: the absolute limit, else the base's growth plus the allowed increase. */
function chartLimit(report: Report, series: JudgedSeries): number | null {
  const absolute = report.judgements.find((j) => j.series === series && j.against === 'limit')
  if (absolute?.limitPerSec !== undefined) return absolute.limitPerSec
  const allowed = report.comparison?.[series]?.limitPerSec
  const baseSlope = report.runs.base?.trends[series]?.slopePerSec
  return typeof allowed === 'number' && baseSlope !== undefined ? baseSlope + allowed : null
}

function runView(run: Run): RunView {
  const load = run.load
  const loadSpans: Line =
    load.kind === 'built-in'
      ? [
          `built-in load: ${num(load.requests)} requests over the whole run (warm-up included), ${num(load.errors)} of them not answered with 2xx, ${num(load.achievedRatePerSec, 0)} req/s achieved`
        ]
      : [
          'load-command ',
          { code: load.command ?? '' },
          load.exitCode ? `, exit code ${num(load.exitCode)}` : '',
          run.loadReach ? `; ${describeAllocation(run.loadReach)}` : ''
        ]
  const interval = describeInterval(run.interval)
  return {
    side: run.side === 'base' ? 'base' : 'head',
    ref: run.ref ?? null,
    commit: run.commit?.slice(0, 12) ?? null,
    summary: [
      `${num(run.samples.length)} samples over ${num(run.durationSec, 0)}s after a ${num(run.warmupSec)}s warm-up; `,
      ...loadSpans
    ],
    readings: describeQuiescence(run.quiescence),
    notes: listed([...(interval ? [interval] : []), ...describeRunNotes(run)], 'notes')
  }
}

/** How many notices, or notes of a run, are shown: a report.json may hold 10,000 of 8,192 characters. */
const LISTED = 20

/** The first LISTED items, then how many more report.json has. */
function listed(items: string[], what: string): string[] {
  if (items.length <= LISTED) return items
  return [...items.slice(0, LISTED), `${items.length - LISTED} more ${what} in report.json`]
}

function profilesLine(head: Run, kept: boolean): Line {
  const files = head.attribution?.files
  if (!files?.heapFirst || !files.heapLast)
    return [
      'Raw profiles are in ',
      { code: head.profilesDir },
      ` of the output folder${kept ? '' : ` (${NOT_UPLOADED})`}.`
    ]
  return [
    `What the heap kept, by line, from the raw profiles ${kept ? 'in the artifact' : `(${NOT_UPLOADED})`}: `,
    { code: `go tool pprof -diff_base ${files.heapFirst} ${files.heapLast}` },
    ...(files.flamegraph ? ['; as a flame graph: ', { code: files.flamegraph }] : []),
    '.'
  ]
}

/**
 * The CLI run that measures what this run did, as a user outside this repository runs it:
 * npm fetches the tool at the action's ref when the workflow named one, else at its
 * version's tag. Flags are the inputs that differ from their defaults, and the module's
 * folder always (the default is where the command runs), except that on a pull request
 * the action's `baseline: auto` is the merge-base (on the CLI, auto is none) and the
 * branch it was taken from.
 */
function reproduceCommand(report: Report): string {
  const config: Record<string, string> = { ...report.config }
  const base = report.runs.base
  if ((config.baseline ?? 'auto') === 'auto' && base) config.baseline = 'merge-base'
  if (config.baseline === 'merge-base' && !config['base-ref'] && base?.ref) config['base-ref'] = base.ref
  const flags = Object.entries(config).flatMap(([k, v]) => {
    const input = INPUTS.find((i) => i.name === k && !i.actionOnly)
    if (!input || (input.default === v && k !== 'working-directory')) return []
    // A repeatable flag is given once a line (env: one --env a variable).
    const values = input.repeatable ? v.split('\n').filter(Boolean) : [v]
    return values.map(
      (value) => `--${k} ${input.inReport === 'secrets-hidden' ? envArgument(value) : shellQuote(value)}`
    )
  })
  return [`npx ${toolSource(report.tool)} run`, ...flags].join(' ')
}

const VERSION = /^\d+\.\d+\.\d+(?:-[\w.]+)?$/
// Names and refs as GitHub allows them, nothing a shell reads otherwise.
const REPOSITORY = /^[\w.-]+\/[\w.-]+$/
const REF = /^\w[\w./-]*$/

/** `github:owner/repo#ref` of the tool that ran: the action's ref, else the version's tag. */
function toolSource(tool: Report['tool']): string {
  const action = tool.action
  if (action && REPOSITORY.test(action.repository) && REF.test(action.ref))
    return `github:${action.repository}#${action.ref}`
  return `github:go-memgate/go-memgate${VERSION.test(tool.version) ? `#v${tool.version}` : ''}`
}

/** KEY=value quoted; a hidden value (KEY=***) taken from the reader's own shell: "KEY=$KEY". */
function envArgument(line: string): string {
  const hidden = /^([A-Za-z_]\w*)=\*\*\*$/.exec(line)
  return hidden ? `"${hidden[1]}=$${hidden[1]}"` : shellQuote(line)
}

/** POSIX quoting; a multi-line value (a build-command) becomes $'…' with \n escapes, on one line. */
function shellQuote(v: string): string {
  if (/^[\w./:@%=,-]+$/.test(v)) return v
  if (/[\n\r]/.test(v)) return `$'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`
  return `'${v.replace(/'/g, `'\\''`)}'`
}
