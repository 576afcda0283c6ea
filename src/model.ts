// The plain data every layer shares, in the role of pprof's profile.go: what a
// measurement yields, what analysis makes of it, and report.json (schemaVersion 2), the
// product every other output is rendered from. Types only, and the one table of series.
import type { GoroutineTextGroup } from './profile/goroutine-text.js'
import type { GoroutineSummary } from './profile/goroutines.js'
import type { HeapSummary } from './profile/heap.js'
import type { GoModuleFolder } from './profile/paths.js'

export type Verdict = 'pass' | 'fail' | 'inconclusive'

/** One sampling instant. `t` is seconds since the end of warm-up. */
export interface Sample {
  t: number
  /** Live heap right after a forced GC (runtime.MemStats.HeapAlloc), exact. */
  liveHeapBytes: number
  /** Live heap objects at the same instant (runtime.MemStats.HeapObjects); null from /metrics. */
  liveHeapObjects: number | null
  goroutines: number
  /** Resident set of the service's process group; null where the platform gives none. */
  rssBytes: number | null
  /**
   * How the live heap was read: 'quiesced', with the load paused and nothing in flight;
   * 'least-of-4', the least of four readings under load (quiescing off, or a fallback);
   * 'metrics', the service's Prometheus gauges (no pprof): no forced GC, garbage included.
   */
  reading?: 'quiesced' | 'least-of-4' | 'metrics'
  /** How long the load was paused for this sample, ms. */
  pauseMs?: number
  /** What this sample's forced GCs cost the service, ms (see SamplingInterval.costMeasure). */
  gcCostMs?: number
}

/**
 * The growth of one series over the window the gate judged, units per second: Theil–Sen
 * slopes with intervals that allow for correlated noise (analysis/interval.ts), for the
 * whole window and each half, and whether the growth is slowing (a fill) or speeding up.
 */
export interface Trend {
  slopePerSec: number
  /** Bounds of the whole window's slope, at `z`. */
  ciLow: number
  ciHigh: number
  /** Slope over the first half of the window. */
  earlySlopePerSec: number
  /** Slope over the second half of the window, with its bounds (null in schema 1 reports): a plateau shows here as ~0. */
  lateSlopePerSec: number
  lateCiLow: number | null
  lateCiHigh: number | null
  /** The whole window's standard error, units per second. */
  sePerSec: number
  /** Lag-1 correlation of the residuals (bias-corrected) and the variance inflation it implies. */
  rho: number
  vif: number
  /** saturating: the first half grows faster than the last, with confidence; accelerating: slower. */
  shape: 'saturating' | 'accelerating' | 'steady'
  /** (early − late slope) / its standard error. */
  saturationZ: number
  /** Bounds of the growth that stays once a fill is done; only for saturating growth. */
  remainingLowPerSec: number | null
  remainingHighPerSec: number | null
  /** For saturating growth: the level it tends to and its time constant. */
  fill?: { plateau: number; tauSec: number; remainingSlopePerSec: number }
  /** The z the bounds are read at: the error budget split over the looks. */
  z: number
  /** Two-sided confidence of the bounds: 1 − 2·Φ(−z). */
  confidence: number
  /** 'theil-sen': Sen's plain interval, in reports of schema version 1. */
  method: 'theil-sen-ar1' | 'theil-sen'
  n: number
}

export type SeriesName = 'heap' | 'goroutines' | 'rss'
/** The series the gate judges; RSS is shown, never judged. */
export type JudgedSeries = 'heap' | 'goroutines'

export interface SeriesSpec {
  /** As sentences name it. */
  label: string
  /** As table rows name it. */
  title: string
  /** What one unit of the series is: bytes, or a count (goroutines). */
  unit: 'bytes' | 'count'
  value: (s: Sample) => number | null
  /** The input that limits its growth; absent for a series shown, never judged. */
  limitInput?: 'max-heap-growth' | 'max-goroutine-growth'
}

/** The one list of series: every table, chart, trend and judgement walks it. */
export const SERIES: Record<SeriesName, SeriesSpec> = {
  heap: {
    label: 'live heap',
    title: 'Live heap',
    unit: 'bytes',
    value: (s) => s.liveHeapBytes,
    limitInput: 'max-heap-growth'
  },
  goroutines: {
    label: 'goroutines',
    title: 'Goroutines',
    unit: 'count',
    value: (s) => s.goroutines,
    limitInput: 'max-goroutine-growth'
  },
  rss: { label: 'RSS', title: 'RSS', unit: 'bytes', value: (s) => s.rssBytes }
}

export const SERIES_NAMES = Object.keys(SERIES) as SeriesName[]
export const JUDGED_SERIES: JudgedSeries[] = ['heap', 'goroutines']

/** An allocation site: the first frame in the service's own code. */
export interface HeapSite {
  function: string
  /** As in the profile (absolute build path or module path). */
  file: string
  line: number
  /** Relative to the repository root when the file lies inside it. */
  repoPath?: string
  /**
   * 'goroutines': the runtime's records of the goroutines the service started. Their
   * stack ends at runtime.systemstack, never at the `go` statement: see Attribution.goroutines.
   */
  kind?: 'goroutines'
  /** Short call path, innermost first, as "function file:line". */
  callPath: string[]
  inuseBytesGrowth: number
  inuseObjectsGrowth: number
  bytesPerSec: number
  bytesPerRequest?: number
  /** Growth within what the profile's sampling rate can tell from zero. */
  withinNoise: boolean
}

/** A group of goroutines with the same stack. */
export interface GoroutineGroup {
  function: string
  file: string
  line: number
  repoPath?: string
  callPath: string[]
  /** What they block on: "channel receive", "select", "mutex", ... */
  waitReason?: string
  /** "function file:line" of the go statement. */
  createdBy?: string
  countGrowth: number
  perSec: number
  count: number
  /** Proven leaked by the runtime's goroutineleak profile. */
  provenLeaked?: boolean
}

export interface Attribution {
  heap: HeapSite[]
  goroutines: GoroutineGroup[]
  /** Files written for the user: flame graph, the first and last raw profiles. */
  files?: { flamegraph?: string; heapFirst?: string; heapLast?: string }
  notes?: string[]
  /** Built with GOEXPERIMENT=goroutineleakprofile: goroutine groups may be `provenLeaked`. */
  goroutineLeakProfile?: boolean
}

export interface LoadStats {
  kind: 'built-in' | 'command'
  command?: string
  requests: number | null
  errors: number | null
  /** The first error of the built-in load: "HTTP 404", "ECONNREFUSED". */
  firstError?: string
  achievedRatePerSec: number | null
  exitCode?: number | null
}

export interface Run {
  side: 'head' | 'base'
  ref?: string
  commit?: string
  samples: Sample[]
  trends: Record<SeriesName, Trend | null>
  load: LoadStats
  attribution?: Attribution
  /** Samples that were retried or dropped, with why. */
  sampleNotes: string[]
  /** Folder of the raw profiles of this run, relative to the output folder. */
  profilesDir: string
  warmupSec: number
  /** Seconds sampled: up to the look the gate stopped at. */
  durationSec: number
  /** Where the readings came from: pprof, or the service's /metrics and which heap gauge. */
  source: { kind: 'pprof' } | { kind: 'metrics'; heapGauge: string }
  /** Requests per second the built-in load achieved while sampling; null for a load-command. */
  requestsPerSec: number | null
  /** Each look at the growth, in order; the last is where sampling stopped. */
  looks: LookRecord[]
  /** The smallest growth per series this run would fail, with 80% probability. */
  detectable: Partial<Record<JudgedSeries, DetectableLeak>>
  /** How readings were taken: with the load paused, and at what cost. */
  quiescence: Quiescence
  /** The interval sampled at, why, and what the samples' forced GCs cost the service. */
  interval?: SamplingInterval
  /**
   * With repeats, each repeat's own slopes. `trends` then pool all repeats (pairs
   * within a repeat only); `samples`, `load` and `profilesDir` are the first repeat's.
   */
  repeats?: {
    slopePerSec: Record<SeriesName, number | null>
    /** The repeat's own standard errors (absent in reports before the run-to-run spread). */
    sePerSec?: Record<SeriesName, number | null>
    profilesDir: string
  }[]
}

/**
 * Why a series got its outcome, as numbers; report/ turns it into words. In the manner of
 * golang.org/x/perf's benchmath Comparison: the decision and what it rests on, no prose.
 */
export type JudgementRule =
  /** The whole window's upper bound lies below the limit. */
  | 'upper-below-limit'
  /** The last half's upper bound lies below the limit: growth that levelled off. */
  | 'late-upper-below-limit'
  /** Saturating, and what stays once the fill is done grows below the limit, with confidence. */
  | 'levels-off-below-limit'
  /** The lower bound and the last half's slope lie above the limit, and the growth is no fill. */
  | 'above-limit'
  /** Above the limit, but slowing with confidence: a fill that may yet level off. */
  | 'saturating'
  /** Above the limit over the window, not over its last half. */
  | 'late-slope-below-limit'
  /** The interval is wider than twice the limit. */
  | 'too-noisy'
  /** The interval holds the limit. */
  | 'straddles'
  /** Too few samples to fit a trend (or to compare head and base). */
  | 'too-few-samples'
  /** Every limit is off (or the base is missing): nothing to judge against. */
  | 'nothing-judged'

export interface Judgement {
  outcome: Verdict
  rule: JudgementRule
  /** null only for 'nothing-judged'. */
  series: JudgedSeries | null
  /** The absolute limit, or the allowed increase over the base. */
  against: 'limit' | 'base'
  /** Growth per second (head − base when against the base), with its interval. */
  estimatePerSec?: number
  lowPerSec?: number
  highPerSec?: number
  /** The same over the second half of the samples. */
  latePerSec?: number
  limitPerSec?: number
  /** Two-sided confidence of the bounds. */
  confidence?: number
  /** The limit as the user gave it per request, when so given. */
  limitPerRequest?: number
  /** 'saturating': where the growth is heading. */
  fill?: Trend['fill']
  /** Against the base: each side's own growth. */
  headPerSec?: number
  basePerSec?: number
  /** 'nothing-judged': whether a baseline was asked for and could not be had. */
  baselineMissing?: boolean
}

/** A series the base itself grows in beyond the limit: the growth predates the change. */
export interface BaseGrowth {
  series: JudgedSeries
  trend: Trend
  ref?: string
}

/** A limit on growth as the user gave it: per second (from "/min", "/h"), or per request. */
export interface GrowthLimit {
  value: number
  per: 'second' | 'request'
}

/** One look at the growth: what each judged series' rule said. */
export interface LookRecord {
  /** 0-based, of `count` looks at most. */
  index: number
  count: number
  /** Seconds of sampling at the look. */
  atSec: number
  decisions: Partial<Record<JudgedSeries, { outcome: Verdict | 'continue'; rule: JudgementRule }>>
  /** Each judged series' limit at this look, per second (a per-request limit at the rate so far). */
  limitsPerSec: Partial<Record<JudgedSeries, number>>
  /**
   * The heap failed here, but no line of the service had grown past the heap profile's
   * sampling noise yet: sampling went on to the next look to name it.
   */
  samplingOnToName?: boolean
}

/** The smallest leak a run could catch (analysis/detectable.ts). */
export interface DetectableLeak {
  perSec: number
  perMin: number
  /** Per request at the achieved rate; null without a request count. */
  perRequest: number | null
  /** The limit per request: growth below it passes by design. */
  limitPerRequest: number | null
}

export interface Quiescence {
  /** Whether readings were to be taken with the load paused (the `quiesce` input). */
  enabled: boolean
  /** Samples whose load did not drain in time: read as the least of four instead. */
  notDrained: number
  /** Pause per reading, ms, and the share of the sampling time the load was paused. */
  pauseP50Ms: number | null
  pauseP95Ms: number | null
  pausedFraction: number | null
}

/** The interval sampled at and what sampling cost the service (engine/sampling-budget.ts). */
export interface SamplingInterval {
  intervalMs: number
  /** 'auto': chosen from the cost of the first sample; 'fixed': the `interval` input. */
  mode: 'auto' | 'fixed'
  /** What set it: the budget, the 1 s floor, or the input. */
  reason: 'budget' | 'floor' | 'fixed' | 'load-command'
  /**
   * The look times (`duration`, `max-duration`) were multiplied by this so that each look
   * kept its 8 samples at the interval the budget needed; 1: as given.
   */
  lookTimesFactor: number
  /** The mean cost of one sample's forced GCs to the service, seconds; null when none was forced. */
  gcCostPerSampleSec: number | null
  /**
   * 'cpu': the service's CPU time over the forced GCs, with the load paused (Linux /proc);
   * 'wall': their wall time, taken as one core busy (readings under load, other platforms).
   */
  costMeasure: 'cpu' | 'wall' | 'none'
  /** `sampling-budget`, in cores. */
  budgetCores: number
  /** The share of one core sampling took: cost per sample / interval. */
  costCores: number | null
  /** The interval the budget asks for: cost per sample / budget, ms. */
  budgetIntervalMs: number | null
  /** costCores above the budget: a fixed interval too short for what a sample costs. */
  overBudget: boolean
}

export interface SeriesComparison {
  /** head slope minus base slope, units per second, with its interval. */
  diffPerSec: number
  ciLow: number
  ciHigh: number
  limitPerSec: number | null
  /**
   * How much one run's slope differs from another run of the same code (τ, units per
   * second), counted in the interval: the head's and, widened for a stored report, the base's.
   */
  runSpreadPerSec?: number
  baseRunSpreadPerSec?: number
  /** floor: baseline-noise-floor (no repeats, or they spread less); repeats: estimated from them. */
  runSpreadFrom?: 'floor' | 'repeats'
}

/** A/A calibration of one series: pairs of runs of the same code (analysis/between-runs.ts). */
export interface PairSpread {
  /** head − base of each pair, units per second. */
  differencesPerSec: number[]
  /** Standard deviation of the differences. */
  differenceSdPerSec: number
  /** The run-to-run spread of one run's slope: τ, point estimate and one-sided upper bound. */
  spreadPerSec: number
  spreadUpperPerSec: number
  /** The confidence of the upper bound. */
  confidence: number
  /** Pairs whose difference's interval at `z` excludes 0 with the within-run error alone. */
  excludingZeroWithin: number
  /** …and with a run-to-run spread of `floorPerSec` a run counted (symmetric: each run's standard errors, not its interval). */
  excludingZeroWithFloor: number
  floorPerSec: number
}

/** What `memgate calibrate` measured: the run-to-run spread of the user's own service. */
export interface Calibration {
  pairs: number
  /** The z of the comparison the spread is for (its budget split over the pairs it may add), and its two-sided confidence. */
  z: number
  confidence: number
  series: Partial<Record<JudgedSeries, PairSpread>>
  /** What to give baseline-noise-floor: each series' upper bound. */
  floorPerSec: Record<JudgedSeries, number>
  secondsPerRun: number
}

export const SCHEMA_VERSION = 2

export interface Report {
  /** 2: samples hold liveHeapBytes/liveHeapObjects (1 named them heapInuse*), judgements added. */
  schemaVersion: typeof SCHEMA_VERSION
  tool: { name: 'go-memgate'; version: string }
  name: string
  verdict: Verdict
  /** The judgements in words, for readers of report.json; rendered from `judgements`. */
  reasons: string[]
  /** Worst first. */
  judgements: Judgement[]
  /** What the reader must know first: no baseline, fell back to limits, ... */
  notices: string[]
  config: Record<string, unknown>
  runs: { head: Run; base?: Run }
  comparison?: {
    heap?: SeriesComparison
    goroutines?: SeriesComparison
    /** Functions that grow in the head and not in the base. */
    newInHead?: string[]
    /**
     * Set when the two sides' request rates differed by more than 5%: the base's growth was
     * then compared per request, scaled to the head's rate.
     */
    perRequest?: { headRequestsPerSec: number; baseRequestsPerSec: number }
    /** Base/head pairs measured; more than `repeats` when the difference straddled the allowance. */
    pairs?: number
    /** base-head: one pair, base first; abba: base, head, head, base, … */
    order?: 'base-head' | 'abba'
    /** stored: the base is a report.json from another run. */
    baseline?: 'merge-base' | 'stored'
    /** Two-sided confidence of the intervals: the budget split over the pairs at which it could stop. */
    confidence?: number
  }
  createdAt: string
  /** Where the head's code can be read: file:line links go to its blobs. Absent when unknown (the CLI without a GitHub remote). */
  source?: SourceLink
}

export interface SourceLink {
  /** "https://github.com/owner/repo" */
  repositoryUrl: string
  /** The head commit the lines are at, 40 hex digits. */
  commit: string
}

/** One side of a gate: the head, or the base it is compared with. */
export interface Side {
  side: 'head' | 'base'
  /** Absolute path of the Go module to build for this side. */
  moduleDir: string
  /** The top folder of the git repository holding moduleDir, else moduleDir. */
  repoRoot: string
  ref?: string
  commit?: string
}

/** The service's code as the toolchain sees it, for attribution. */
export interface ModuleInfo {
  goVersion: string
  /** The module, or every module of a go.work workspace; empty outside module mode. */
  modules: GoModuleFolder[]
  moduleDir: string
  /** The git repository holding the module (its own worktree for a base), else moduleDir. */
  repoRoot: string
}

/**
 * What a log line is about, for writers that redraw progress (a terminal) or fold lines
 * into groups (the action's log); a writer that knows none of them prints the line.
 */
export type LogEvent =
  | { kind: 'warm-up'; label: string; elapsedSec: number; totalSec: number }
  | { kind: 'sample'; label: string; sample: number; samples: number; secondsLeft: number }
  /** One side's warm-up and sampling begin (the line says how) and end: a log may fold what lies between. */
  | { kind: 'group-start'; label: string }
  | { kind: 'group-end'; label: string }

export type Log = (line: string, event?: LogEvent) => void

/** A profile summary at a sampling instant. */
export interface Timed<T> {
  t: number
  summary: T
  /** The raw profile, in the run's profiles folder. */
  file: string
}

/** What the sampler read from one run of the service. */
export interface Sampling {
  samples: Sample[]
  /** From /metrics: the gauge the live heap was read from. */
  heapGauge?: string
  /** Samples tried: the samples read and those dropped. */
  attempted: number
  heap: Timed<HeapSummary>[]
  goroutines: Timed<GoroutineSummary>[]
  notes: string[]
  /** Responses the built-in load received while sampling; null for a load-command. */
  requests: number | null
  /** `goroutine?debug=2` at the end: wait reasons, ages and creators. */
  goroutineText: GoroutineTextGroup[] | null
  /** `goroutineleak` at the end, when the service was built with the experiment. */
  goroutineLeaks: GoroutineSummary | null
  /** The interval sampled at and what it cost; absent when no sample was read. */
  interval?: SamplingInterval
}

/** One measured run of one side, as the engine hands it to analysis. */
export interface Measurement {
  side: Side
  module: ModuleInfo
  sampling: Sampling
  load: LoadStats
  notes: string[]
  /** Raw profiles, relative to the output folder. */
  profilesDir: string
}
