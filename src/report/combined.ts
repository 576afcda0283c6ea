// Several services' reports -> one view: a row a service, failing services first, each
// service's own view kept for its folded details. Made for `mode: comment` fed by a matrix
// of `analyze` jobs, one a service of a monorepo.
import { basename, dirname } from 'node:path'
import type { Report, Verdict } from '../model.js'
import { present } from './present.js'
import type { Cell, Line, ReportView, Trusted } from './view.js'

/** A report.json named by `report-json`: read and checked, or refused with why. */
export type ServiceReport = { path: string; report: Report } | { path: string; problem: string }

export interface ServiceRowView {
  /** The report's gate name; its folder's when the report kept the default. */
  name: string
  /** An unreadable report counts as a failure: what it would have said is unknown. */
  verdict: Verdict
  verdictWord: string
  growth: Cell[]
  leakingLine: Line | null
  /** Why the file could not be shown, naming it; null when it was read. */
  problem: string | null
  /** The report and its own view, for the folded details; null when unreadable. */
  report: Report | null
  view: ReportView | null
}

export interface CombinedView {
  /** The worst of the services'. */
  verdict: Verdict
  headline: string
  /** Unreadable reports first, then failing services, inconclusive, passing; otherwise as given. */
  services: ServiceRowView[]
  /** The fastest growth among the services, for the action's outputs. */
  outputs: ReportView['outputs']
}

const RANK: Record<Verdict, number> = { fail: 1, inconclusive: 2, pass: 3 }
/** An unreadable report first: nothing else in the comment tells the reader it is missing. */
const rank = (row: ServiceRowView): number => (row.problem === null ? RANK[row.verdict] : 0)
const VERDICT_WORD: Record<Verdict, string> = {
  fail: '❌ FAIL',
  inconclusive: '⚠️ INCONCLUSIVE',
  pass: '✅ PASS'
}

/** `trusted` in comment mode: each report is a fork's word, as for one report (present.ts). */
export function presentCombined(services: ServiceReport[], trusted?: Trusted): CombinedView {
  const rows = services.map((s) => serviceRow(s, trusted)).sort((a, b) => rank(a) - rank(b))
  const verdict = rows[0]?.verdict ?? 'pass'
  return {
    verdict,
    headline: headline(rows, verdict),
    services: rows,
    outputs: {
      heapSlopePerSec: fastest(rows.map((r) => r.view?.outputs.heapSlopePerSec)),
      goroutineSlopePerSec: fastest(rows.map((r) => r.view?.outputs.goroutineSlopePerSec))
    }
  }
}

function serviceRow(service: ServiceReport, trusted: Trusted | undefined): ServiceRowView {
  const folder = basename(dirname(service.path))
  if (!('report' in service))
    return {
      name: folder,
      verdict: 'fail',
      verdictWord: '❌ UNREADABLE',
      growth: [],
      leakingLine: null,
      problem: service.problem,
      report: null,
      view: null
    }
  const { report } = service
  const name = report.name === 'memgate' ? folder : report.name
  // The comment step's own name marks the comment; each service keeps its report's.
  const view = present(report, trusted && { ...trusted, name })
  return {
    name,
    verdict: view.verdict,
    verdictWord: VERDICT_WORD[view.verdict],
    growth: view.growth,
    leakingLine: view.leakingLine,
    problem: null,
    report,
    view
  }
}

function headline(rows: ServiceRowView[], verdict: Verdict): string {
  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length
  const of = `of ${rows.length} service${rows.length === 1 ? '' : 's'}`
  if (verdict === 'fail') return `❌ go-memgate: ${count('fail')} ${of} fail`
  if (verdict === 'inconclusive')
    return `⚠️ go-memgate: ${count('inconclusive')} ${of} inconclusive, none fails`
  return `✅ go-memgate: ${rows.length} ${rows.length === 1 ? 'service' : 'services'}, no memory growth beyond the limits`
}

/** The largest finite slope, or null when none was fitted. */
function fastest(slopes: (number | null | undefined)[]): number | null {
  const finite = slopes.filter((s): s is number => typeof s === 'number' && Number.isFinite(s))
  return finite.length ? Math.max(...finite) : null
}
