// What a reader is shown, decided once by present() (present.ts): words, lists, rounding
// and links are settled here; markdown.ts, terminal.ts and the GitHub adapters lay it out.
import type { Verdict } from '../model.js'
import type { ChartRequest } from './chart.js'

/**
 * In comment mode report.json is a fork's: what the trusted side knows instead, from the
 * action's inputs and the event (the PR's head is checked against it by pull-request.ts).
 * Only what these confirm is linked or stated as fact.
 */
export interface Trusted {
  /** The gate's name, the `name` input. */
  name: string
  /** This run's repository, from the runner's environment. */
  repositoryUrl: string | null
  /** The commit the analyze run measured, from the event. */
  headSha: string | null
  /** This step's `fail-on`, which decides its check. */
  failOn: string
}

/** Words, or a name from the service or the run shown as code, linked when `url` is set. */
export type Span = string | { code: string; url?: string | null }
/** A line of text with code in it: each medium writes the code its own way. */
export type Line = Span[]

/** A table cell; a failed judgement's cell is stressed. */
export interface Cell {
  text: string
  failed: boolean
}

/** A mark on a line of the diff. */
interface AnnotationView {
  title: string
  message: string
  file: string
  line: number
}

/** An allocation site listed as growing. */
export interface HeapSiteView {
  function: string
  /** "svc/cache.go:42" */
  at: string
  /** The runtime's records of new goroutines: no line of their own, shown as a pointer to the goroutine table. */
  goroutineRecords: boolean
  kept: string
  ratePerMin: string
  perRequest: string | null
  /** null when GitHub can place no mark: outside the repository, or goroutine records. */
  annotation: AnnotationView | null
}

/** A goroutine group listed as piling up, or proven leaked. */
export interface GoroutineGroupView {
  function: string
  at: string
  waitReason: string | null
  createdBy: string | null
  /** "+101" */
  added: string
  ratePerMin: string
  provenLeaked: boolean
  annotation: AnnotationView | null
}

export interface RunView {
  side: 'head' | 'base'
  ref: string | null
  /** The first 12 hex digits. */
  commit: string | null
  /** "30 samples over 30s after a 15s warm-up; built-in load: …" */
  summary: Line
  /** How the readings were taken. */
  readings: string | null
  /** The sampling interval, then samples retried or dropped. */
  notes: string[]
}

export interface ChartView {
  request: ChartRequest
  /** Said instead of a chart when the series never moved. */
  flat: string
}

export interface ReportView {
  verdict: Verdict
  /** "PASS", for a line of plain text. */
  verdictWord: string
  headline: string
  /** The gate's name when one was chosen; null for the default, which tells nothing apart. */
  name: string | null
  notices: string[]
  /** What grows, one item a judged series, as its worst judgement has it. */
  growth: Cell[]
  commits: Line | null
  leakingLine: Line | null
  nextStep: Line | null
  /** Why an inconclusive run passes the check (fail-on: fail), and what to do; else null. */
  failOnNote: string | null
  /** The growth table: a header, then one row a series, its title first. */
  growthTable: { header: string[]; rows: Cell[][] }
  /** The trends of each run, plain: a header, then one row a run and series. */
  trendTable: string[][]
  /** Each judgement in a sentence; in a failed run, an unclear one says it decided nothing. */
  reasons: string[]
  /** At most two lines, for the first screen: what limits what this run says (caveats.ts). */
  caveats: string[]
  /** The other caveats, folded: where sampling stopped, how head − base was measured. */
  moreCaveats: string[]
  /** A pass asks nothing of its reader: all but the first screen is folded. */
  brief: boolean
  heapSites: HeapSiteView[]
  goroutineGroups: GoroutineGroupView[]
  /** Said beside the goroutine groups. */
  goroutineLeakProfileNote: string | null
  /** Functions growing in the head and not in the base. */
  newInHead: string[]
  /** One a judged series that grew past a limit or could not be judged clearly: none on a pass. */
  charts: ChartView[]
  /** Base first. */
  runs: RunView[]
  /** The command that measures what this run did; null in comment mode, where the fork's config wrote it. */
  reproduce: string | null
  /** Where the raw profiles are and how to read them. */
  profiles: Line
  outputs: { heapSlopePerSec: number | null; goroutineSlopePerSec: number | null }
}
