// The plain data every layer shares, in the role of pprof's profile.go: what a
// measurement yields, what analysis makes of it, and report.json (schemaVersion 2), the
// product every other output is rendered from. report.json's parts are defined once, as
// JSON Schemas (TypeBox) whose static types are the types the code uses: what parseReport
// validates is exactly what the renderers read (schema/report.schema.json is published
// from REPORT_SCHEMA by report/schema.ts). Every number is finite (ajv's `number` refuses
// NaN and Infinity), every string and list is bounded. Objects accept fields they do not
// name, so that a newer report still reads; where a renderer walks an object's keys
// (runs), they do not.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { GoroutineOrigin, GoroutineTextGroup } from './profile/goroutine-text.js'
import type { GoroutineSummary } from './profile/goroutines.js'
import type { HeapSummary } from './profile/heap.js'
import type { GoModuleFolder } from './profile/paths.js'

const NUMBER = Type.Number()
const COUNT = Type.Number({ minimum: 0 })
const NUMBER_OR_NULL = Type.Union([NUMBER, Type.Null()])
const COUNT_OR_NULL = Type.Union([COUNT, Type.Null()])
const BOOLEAN = Type.Boolean()
/** Any text: a function name, a path, an input as written. */
const TEXT = Type.String({ maxLength: 8192 })
const WORD = Type.String({ maxLength: 256 })
/** One of these words: a string enum in the schema, their union in the type. */
const oneOf = <const T extends string[]>(...values: T) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: values })
const list = <T extends TSchema>(items: T, maxItems = 10_000) => Type.Array(items, { maxItems })
const { Optional, Object: object } = Type

/**
 * A gate's name: it names the output folder (RUNNER_TEMP/go-memgate/NAME, removed at start)
 * and the artifact, so `.`, `..` and anything with a path separator are out.
 */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'

export const Verdict = oneOf('pass', 'fail', 'inconclusive')
export type Verdict = Static<typeof Verdict>

/** One sampling instant. `t` is seconds since the end of warm-up. */
export const Sample = object({
  t: NUMBER,
  /** Live heap right after a forced GC (runtime.MemStats.HeapAlloc), exact. */
  liveHeapBytes: NUMBER,
  /** Live heap objects at the same instant (runtime.MemStats.HeapObjects); null from /metrics. */
  liveHeapObjects: NUMBER_OR_NULL,
  goroutines: NUMBER,
  /** Resident set of the service's process group; null where the platform gives none. */
  rssBytes: NUMBER_OR_NULL,
  /**
   * How the live heap was read: 'quiesced', with the load paused and nothing in flight;
   * 'least-of-4', the least of four readings under load (quiescing off, or a fallback);
   * 'metrics', the service's Prometheus gauges (no pprof): no forced GC, garbage included.
   */
  reading: Optional(oneOf('quiesced', 'least-of-4', 'metrics')),
  /** How long the load was paused for this sample, ms. */
  pauseMs: Optional(COUNT),
  /** What this sample's forced GCs cost the service, ms (see SamplingInterval.costMeasure). */
  gcCostMs: Optional(COUNT)
})
export type Sample = Static<typeof Sample>

/**
 * The growth of one series over the window the gate judged, units per second: Theil–Sen
 * slopes with intervals that allow for correlated noise (analysis/interval.ts), for the
 * whole window and each half, and whether the growth is slowing (a fill) or speeding up.
 */
export const Trend = object({
  slopePerSec: NUMBER,
  /** Bounds of the whole window's slope, at `z`. */
  ciLow: NUMBER,
  ciHigh: NUMBER,
  /** Slope over the first half of the window. */
  earlySlopePerSec: NUMBER,
  /** Slope over the second half of the window, with its bounds (null in schema 1 reports): a plateau shows here as ~0. */
  lateSlopePerSec: NUMBER,
  lateCiLow: NUMBER_OR_NULL,
  lateCiHigh: NUMBER_OR_NULL,
  /** The whole window's standard error, units per second. */
  sePerSec: COUNT,
  /** Lag-1 correlation of the residuals (bias-corrected) and the variance inflation it implies. */
  rho: NUMBER,
  vif: COUNT,
  /** saturating: the first half grows faster than the last, with confidence; accelerating: slower. */
  shape: oneOf('saturating', 'accelerating', 'steady'),
  /** (early − late slope) / its standard error. */
  saturationZ: NUMBER,
  /** Bounds of the growth that stays once a fill is done; only for saturating growth. */
  remainingLowPerSec: NUMBER_OR_NULL,
  remainingHighPerSec: NUMBER_OR_NULL,
  /** For saturating growth: the level it tends to and its time constant. */
  fill: Optional(object({ plateau: NUMBER, tauSec: COUNT, remainingSlopePerSec: NUMBER })),
  /**
   * Jumps within one interval that held their level (analysis/steps.ts): a container
   * reallocating. Absent when there is none (and in reports before step-aware growth).
   */
  steps: Optional(
    object({
      count: COUNT,
      /** ≥ 2 steps carry most of the rise: the growth is a staircase. */
      staircase: BOOLEAN,
      /** The flat run after the last step is shorter than a doubling container's next gap. */
      nextStepDue: BOOLEAN,
      /** Lower bound of the rise read from the staircase's flat ends, per second; null without a staircase. */
      riseLowPerSec: NUMBER_OR_NULL
    })
  ),
  /** The z the bounds are read at: the error budget split over the looks. */
  z: COUNT,
  /** Two-sided confidence of the bounds: 1 − 2·Φ(−z). */
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  /** 'theil-sen': Sen's plain interval, in reports of schema version 1. */
  method: oneOf('theil-sen-ar1', 'theil-sen'),
  n: COUNT
})
export type Trend = Static<typeof Trend>

export type SeriesName = 'heap' | 'goroutines' | 'rss'
/** The series the gate judges; RSS is shown, never judged. */
export type JudgedSeries = 'heap' | 'goroutines'
const JudgedSeries = oneOf('heap', 'goroutines')

/** A value for each series. */
const bySeries = <T extends TSchema>(value: T) => object({ heap: value, goroutines: value, rss: value })
/** A value for some of the judged series. */
const byJudgedSeries = <T extends TSchema>(value: T) =>
  object({ heap: Optional(value), goroutines: Optional(value) })

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

const CALL_PATH = list(TEXT, 1000)

/** An allocation site: the first frame in the service's own code. */
/** A line of the service that started goroutines of the standard library or a library. */
const STARTED_BY = object({ function: TEXT, file: TEXT, line: NUMBER, repoPath: Optional(TEXT) })

/** Repository path → the lines (1-based, head side) a pull request added or changed there. */
export type ChangedLines = Record<string, number[]>

export const HeapSite = object({
  function: TEXT,
  /** As in the profile (absolute build path or module path). */
  file: TEXT,
  line: NUMBER,
  /** Relative to the repository root when the file lies inside it. */
  repoPath: Optional(TEXT),
  /**
   * 'goroutines': the runtime's records of the goroutines the service started. Their
   * stack ends at runtime.systemstack, never at the `go` statement: see Attribution.goroutines.
   */
  kind: Optional(Type.Literal('goroutines')),
  /**
   * Who can change the line: the service, a library, or nobody ('standard-library': then the
   * site is the function the holding goroutines began in). Reports before issue 20 lack it.
   */
  owner: Optional(oneOf('service', 'library', 'standard-library')),
  /**
   * For goroutines of the standard library or a library: the service line that started them,
   * read from their ancestors (GODEBUG=tracebackancestors); absent when nothing links them.
   */
  startedBy: Optional(STARTED_BY),
  /** For such goroutines: "function file:line" of the go statement that started most of them. */
  goroutinesCreatedBy: Optional(TEXT),
  /**
   * Rows each within the sampling noise but past it together, merged into this one: by
   * function (its lines), or by library (its functions). The line is the largest row's.
   */
  merged: Optional(object({ by: oneOf('function', 'library'), rows: COUNT })),
  /** Some frame of its call path is a line the pull request changed. */
  changedInPr: Optional(BOOLEAN),
  /** Short call path, innermost first, as "function file:line". */
  callPath: CALL_PATH,
  inuseBytesGrowth: NUMBER,
  inuseObjectsGrowth: NUMBER,
  bytesPerSec: NUMBER,
  bytesPerRequest: Optional(NUMBER),
  /** The 95 % interval of bytesPerRequest from the profile's sampling noise. */
  bytesPerRequestInterval: Optional(object({ low: NUMBER, high: NUMBER })),
  /** Growth within what the profile's sampling rate can tell from zero. */
  withinNoise: BOOLEAN
})
export type HeapSite = Static<typeof HeapSite>

/** A group of goroutines with the same stack. */
export const GoroutineGroup = object({
  function: TEXT,
  file: TEXT,
  line: NUMBER,
  repoPath: Optional(TEXT),
  callPath: CALL_PATH,
  /** What they block on: "channel receive", "select", "mutex", ... */
  waitReason: Optional(TEXT),
  /** "function file:line" of the go statement. */
  createdBy: Optional(TEXT),
  /** Goroutines with no frame of the service or a library: the function they began in. */
  entry: Optional(TEXT),
  /**
   * For goroutines with no frame of the service (the standard library's or a library's): the
   * service line that started them, read from their ancestors (as HeapSite.startedBy).
   */
  startedBy: Optional(STARTED_BY),
  countGrowth: NUMBER,
  perSec: NUMBER,
  count: NUMBER,
  /** Proven leaked by the runtime's goroutineleak profile. */
  provenLeaked: Optional(BOOLEAN)
})
export type GoroutineGroup = Static<typeof GoroutineGroup>

/** A known misuse the profiles show (analysis/signatures.ts); report/signatures.ts words it. */
export const SignatureKind = oneOf(
  'response-body-not-closed',
  'transport-per-request',
  'context-not-cancelled',
  'timer-not-stopped',
  'request-kept',
  'metric-label-unbounded',
  'write-syncer-not-stopped',
  'sql-open-per-request',
  'rows-not-closed',
  // Client libraries (test/fixtures/services/misuse-clients).
  'grpc-conn-per-request',
  'tracer-provider-per-request'
)
export type SignatureKind = Static<typeof SignatureKind>

export const LeakSignature = object({
  kind: SignatureKind,
  /** The service's line to change; absent when no frame of the service links to the growth. */
  site: Optional(object({ function: TEXT, file: TEXT, line: NUMBER, repoPath: Optional(TEXT) })),
  /** What the signature's stacks added to the heap between the first and the last sample. */
  heapBytesGrowth: COUNT,
  /** Goroutines of the signature's groups added (a connection's read and write loops). */
  goroutineGrowth: COUNT,
  /** The library function that told it: "net/http.(*Transport).onceSetNextProtoDefaults". */
  evidence: TEXT
})
export type LeakSignature = Static<typeof LeakSignature>

export const Attribution = object({
  heap: list(HeapSite),
  goroutines: list(GoroutineGroup),
  /** Files written for the user: flame graph, the first and last raw profiles. */
  files: Optional(
    object({ flamegraph: Optional(TEXT), heapFirst: Optional(TEXT), heapLast: Optional(TEXT) })
  ),
  /** The heap profile's sampling: one sample per this many bytes allocated (memprofilerate). */
  heapSamplingRateBytes: Optional(COUNT),
  /** Built with GOEXPERIMENT=goroutineleakprofile: goroutine groups may be `provenLeaked`. */
  goroutineLeakProfile: Optional(BOOLEAN),
  /** Known misuses, most certain first (absent in reports made before signatures were told). */
  signatures: Optional(list(LeakSignature, 20))
})
export type Attribution = Static<typeof Attribution>

export const LoadStats = object({
  kind: oneOf('built-in', 'command'),
  command: Optional(TEXT),
  requests: NUMBER_OR_NULL,
  errors: NUMBER_OR_NULL,
  /** The first error of the built-in load: "HTTP 404", "ECONNREFUSED". */
  firstError: Optional(TEXT),
  achievedRatePerSec: NUMBER_OR_NULL,
  exitCode: Optional(NUMBER_OR_NULL)
})
export type LoadStats = Static<typeof LoadStats>

/**
 * Why a series got its outcome, as numbers; report/ turns it into words. In the manner of
 * golang.org/x/perf's benchmath Comparison: the decision and what it rests on, no prose.
 *  - upper-below-limit: the whole window's upper bound lies below the limit.
 *  - late-upper-below-limit: the last half's upper bound lies below the limit: growth that levelled off.
 *  - levels-off-below-limit: saturating, and what stays once the fill is done grows below the limit, with confidence.
 *  - above-limit: the lower bound and the last half's slope lie above the limit, and the growth is no fill.
 *  - saturating: above the limit, but slowing with confidence: a fill that may yet level off.
 *  - late-slope-below-limit: above the limit over the window, not over its last half.
 *  - too-noisy: the interval is wider than twice the limit.
 *  - straddles: the interval holds the limit.
 *  - too-few-samples: too few samples to fit a trend (or to compare head and base).
 *  - nothing-judged: every limit is off (or the base is missing): nothing to judge against.
 *  - load-missed-code: the load made no measurable difference to what the service's own code
 *    allocated (analysis/load-reach.ts): no growth could have shown, so no pass.
 *  - base-grows-too: above the absolute limit, but so is the base, and head − base is not
 *    above the allowed increase (absolute-limits: change): judged on what the change adds;
 *    the outcome is that of head − base (pass, or inconclusive while it straddles).
 *  - goroutines-own-memory: above the limit (or the base), but only by the runtime's records
 *    of goroutines that fail their own limit (analysis/goroutines-own.ts): charged to them.
 *  - grows-in-steps: a staircase of reallocation steps (a map or buffer that doubles) whose rise is above the limit.
 *  - confirming: a fail at this look, to stand only if the growth has not levelled off by the next look.
 *  - levelled-off: a fail at the previous look that the growth since has refuted: it levelled off.
 */
export const JudgementRule = oneOf(
  'upper-below-limit',
  'late-upper-below-limit',
  'levels-off-below-limit',
  'above-limit',
  'saturating',
  'late-slope-below-limit',
  'too-noisy',
  'straddles',
  'too-few-samples',
  'nothing-judged',
  'base-grows-too',
  'load-missed-code',
  'goroutines-own-memory',
  'grows-in-steps',
  'confirming',
  'levelled-off'
)
export type JudgementRule = Static<typeof JudgementRule>

/** What one series' rule said at a look: an outcome, or go on sampling. */
export const LookDecision = object(
  {
    outcome: Type.Union([Verdict, Type.Literal('continue')]),
    rule: JudgementRule,
    /** 'confirming': the rule of the fail that waits for the next look. */
    failRule: Optional(JudgementRule)
  },
  { additionalProperties: false }
)
export type LookDecision = Static<typeof LookDecision>

/** One look at the growth: what each judged series' rule said. */
export const LookRecord = object({
  /** 0-based, of `count` looks at most. */
  index: COUNT,
  count: COUNT,
  /** Seconds of sampling at the look. */
  atSec: NUMBER,
  decisions: byJudgedSeries(LookDecision),
  /** Each judged series' limit at this look, per second (a per-request limit at the rate so far). */
  limitsPerSec: byJudgedSeries(NUMBER),
  /**
   * The heap failed here, but no line of the service had grown past the heap profile's
   * sampling noise yet: sampling went on to the next look to name it.
   */
  samplingOnToName: Optional(BOOLEAN)
})
export type LookRecord = Static<typeof LookRecord>

/** The smallest leak a run could catch (analysis/detectable.ts). */
export const DetectableLeak = object({
  perSec: NUMBER,
  perMin: NUMBER,
  /** Per request at the achieved rate; null without a request count. */
  perRequest: NUMBER_OR_NULL,
  /** The limit per request: growth below it passes by design. */
  limitPerRequest: NUMBER_OR_NULL
})
export type DetectableLeak = Static<typeof DetectableLeak>

export const Quiescence = object({
  /** Whether readings were to be taken with the load paused (the `quiesce` input). */
  enabled: BOOLEAN,
  /** Samples whose load did not drain in time: read as the least of four instead. */
  notDrained: COUNT,
  /** Pause per reading, ms, and the share of the sampling time the load was paused. */
  pauseP50Ms: NUMBER_OR_NULL,
  pauseP95Ms: NUMBER_OR_NULL,
  pausedFraction: NUMBER_OR_NULL
})
export type Quiescence = Static<typeof Quiescence>

/** The interval sampled at and what sampling cost the service (engine/sampling-budget.ts). */
export const SamplingInterval = object({
  intervalMs: COUNT,
  /** 'auto': chosen from the cost of the first sample; 'fixed': the `interval` input. */
  mode: oneOf('auto', 'fixed'),
  /** What set it: the budget, the 1 s floor, the input, or a load-command's duration. */
  reason: oneOf('budget', 'floor', 'fixed', 'load-command'),
  /**
   * The look times (`duration`, `max-duration`) were multiplied by this so that each look
   * kept its 8 samples at the interval the budget needed; 1: as given.
   */
  lookTimesFactor: COUNT,
  /** The mean cost of one sample's forced GCs to the service, seconds; null when none was forced. */
  gcCostPerSampleSec: COUNT_OR_NULL,
  /**
   * 'cpu': the service's CPU time over the forced GCs, with the load paused (Linux /proc);
   * 'wall': their wall time, taken as one core busy (readings under load, other platforms).
   */
  costMeasure: oneOf('cpu', 'wall', 'none'),
  /** `sampling-budget`, in cores. */
  budgetCores: COUNT,
  /** The share of one core sampling took: cost per sample / interval. */
  costCores: COUNT_OR_NULL,
  /** The interval the budget asks for: cost per sample / budget, ms. */
  budgetIntervalMs: COUNT_OR_NULL,
  /** costCores above the budget: a fixed interval too short for what a sample costs. */
  overBudget: BOOLEAN
})
export type SamplingInterval = Static<typeof SamplingInterval>

/**
 * Something about a run the reader should know, as data; report/run-notes.ts says it in
 * words. `error` is the text an endpoint or the system gave, quoted as it came.
 *  - sample-dropped: sample `sample` (1-based) at `atSec` could not be read, after a retry.
 *  - samples-late: `count` samples were taken more than one interval late.
 *  - rss-unavailable: the platform gives no resident set size.
 *  - goroutine-dump-unread, goroutine-leak-profile-unread: the end-of-run profile could not be read.
 *  - metrics-goroutines-differ: /metrics and pprof gave these goroutine counts back to back.
 *  - metrics-unread: /metrics could not be read for that cross-check.
 *  - load-ended-early: the load-command ended before sampling did.
 * `repeat`: with repeats, which one (1-based).
 */
export const RunNote = object({
  kind: oneOf(
    'sample-dropped',
    'samples-late',
    'rss-unavailable',
    'goroutine-dump-unread',
    'goroutine-leak-profile-unread',
    'metrics-goroutines-differ',
    'metrics-unread',
    'load-ended-early'
  ),
  repeat: Optional(COUNT),
  sample: Optional(COUNT),
  atSec: Optional(NUMBER),
  count: Optional(COUNT),
  platform: Optional(WORD),
  metricsGoroutines: Optional(NUMBER),
  pprofGoroutines: Optional(NUMBER),
  error: Optional(TEXT)
})
export type RunNote = Static<typeof RunNote>

/** Where the readings came from: pprof, or the service's /metrics and which heap gauge. */
const ReadingSource = Type.Union([
  object({ kind: Type.Literal('pprof') }, { additionalProperties: false }),
  object({ kind: Type.Literal('metrics'), heapGauge: WORD }, { additionalProperties: false })
])

/**
 * Whether the load reached the service's own code (analysis/load-reach.ts): what the
 * service allocated per second over a short idle stretch before the load, and while
 * sampling under it, in all (MemStats.TotalAlloc, sampling's own reads included) and through
 * its own code (the heap profile's alloc_space of stacks with a frame of its module).
 */
export const LoadReach = object({
  idleSec: COUNT,
  idleAllocBytesPerSec: NUMBER,
  idleOwnAllocBytesPerSec: NUMBER,
  sampledSec: COUNT,
  allocBytesPerSec: NUMBER,
  /** Through the own-code stacks that did not allocate idle. */
  ownAllocBytesPerSec: NUMBER,
  /** One heap-profile sample per this many bytes: less own allocation in the window may go unseen. */
  heapSamplingRateBytes: COUNT,
  /**
   * reached: the profile saw the own code allocate under load in stacks that did not allocate
   * idle; missed: it did not (requests answered by a 404 or a redirect, or sent elsewhere).
   */
  outcome: oneOf('reached', 'missed')
})
export type LoadReach = Static<typeof LoadReach>

export const Run = object({
  side: oneOf('head', 'base'),
  ref: Optional(TEXT),
  commit: Optional(Type.String({ pattern: '^[0-9a-fA-F]{1,64}$' })),
  samples: list(Sample, 200_000),
  trends: bySeries(Type.Union([Trend, Type.Null()])),
  load: LoadStats,
  attribution: Optional(Attribution),
  /** Samples that were dropped, profiles that could not be read, …; as text in reports written before notes were data. */
  sampleNotes: list(Type.Union([RunNote, TEXT])),
  /** Folder of the raw profiles of this run, relative to the output folder. */
  profilesDir: TEXT,
  warmupSec: COUNT,
  /** Seconds sampled: up to the look the gate stopped at. */
  durationSec: COUNT,
  source: ReadingSource,
  /** Requests per second the built-in load achieved while sampling; null for a load-command. */
  requestsPerSec: NUMBER_OR_NULL,
  /** Each look at the growth, in order; the last is where sampling stopped. */
  looks: list(LookRecord, 100),
  /** The smallest growth per series this run would fail, with 80% probability. */
  detectable: byJudgedSeries(DetectableLeak),
  /** How readings were taken: with the load paused, and at what cost. */
  quiescence: Quiescence,
  /** The interval sampled at, why, and what the samples' forced GCs cost the service. */
  interval: Optional(SamplingInterval),
  /** Whether the load reached the service's own code; absent from /metrics, and in reports made before the check. */
  loadReach: Optional(LoadReach),
  /**
   * With repeats, each repeat's own slopes. `trends` then pool all repeats (pairs
   * within a repeat only); `samples`, `load` and `profilesDir` are the first repeat's.
   */
  repeats: Optional(
    list(
      object({
        slopePerSec: bySeries(NUMBER_OR_NULL),
        /** The repeat's own standard errors (absent in reports before the run-to-run spread). */
        sePerSec: Optional(bySeries(NUMBER_OR_NULL)),
        profilesDir: TEXT
      }),
      1000
    )
  )
})
export type Run = Static<typeof Run>

export const Judgement = object({
  outcome: Verdict,
  rule: JudgementRule,
  /** null only for 'nothing-judged' and 'load-missed-code'. */
  series: Type.Union([JudgedSeries, Type.Null()]),
  /** The absolute limit, or the allowed increase over the base. */
  against: oneOf('limit', 'base'),
  /** Growth per second (head − base when against the base), with its interval. */
  estimatePerSec: Optional(NUMBER),
  lowPerSec: Optional(NUMBER),
  highPerSec: Optional(NUMBER),
  /** The same over the second half of the samples. */
  latePerSec: Optional(NUMBER),
  limitPerSec: Optional(NUMBER),
  /** Two-sided confidence of the bounds. */
  confidence: Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** The limit as the user gave it per request, when so given. */
  limitPerRequest: Optional(NUMBER),
  /** 'saturating': where the growth is heading. */
  fill: Optional(Trend.properties.fill),
  /** The growth's reallocation steps, when it has any. */
  steps: Optional(Trend.properties.steps),
  /**
   * A staircase whose growth the heap profile shows held by a few large objects at one
   * site (analysis/container.ts): the container reallocating, where it was allocated.
   */
  container: Optional(
    object({
      function: TEXT,
      file: TEXT,
      line: NUMBER,
      repoPath: Optional(TEXT),
      inuseBytesGrowth: NUMBER,
      inuseObjectsGrowth: NUMBER
    })
  ),
  /**
   * A fail on growth that never bent before max-duration: a cache that fills in a straight
   * line and then stops would look the same until full. Absent before this was told.
   */
  couldBeFill: Optional(BOOLEAN),
  /** Against the base: each side's own growth; 'base-grows-too': the base's, against the same limit. */
  headPerSec: Optional(NUMBER),
  basePerSec: Optional(NUMBER),
  /** 'nothing-judged': whether a baseline was asked for and could not be had. */
  baselineMissing: Optional(BOOLEAN),
  /** 'load-missed-code': what the service did idle and under load. */
  loadReach: Optional(LoadReach)
})
export type Judgement = Static<typeof Judgement>

export const SeriesComparison = object({
  /** head slope minus base slope, units per second, with its interval. */
  diffPerSec: NUMBER,
  ciLow: NUMBER,
  ciHigh: NUMBER,
  limitPerSec: NUMBER_OR_NULL,
  /**
   * How much one run's slope differs from another run of the same code (τ, units per
   * second), counted in the interval: the head's and, widened for a stored report, the base's.
   */
  runSpreadPerSec: Optional(COUNT),
  baseRunSpreadPerSec: Optional(COUNT),
  /** floor: baseline-noise-floor (no repeats, or they spread less); repeats: estimated from them. */
  runSpreadFrom: Optional(oneOf('floor', 'repeats'))
})
export type SeriesComparison = Static<typeof SeriesComparison>

const Comparison = object({
  heap: Optional(SeriesComparison),
  goroutines: Optional(SeriesComparison),
  /** Functions that grow in the head and not in the base. */
  newInHead: Optional(list(TEXT, 1000)),
  /**
   * Set when the two sides' request rates differed by more than 5%: the base's growth was
   * then compared per request, scaled to the head's rate.
   */
  perRequest: Optional(
    object({ headRequestsPerSec: NUMBER, baseRequestsPerSec: NUMBER }, { additionalProperties: false })
  ),
  /** Base/head pairs measured; more than `repeats` when the difference straddled the allowance. */
  pairs: Optional(Type.Integer({ minimum: 1 })),
  /** base-head: one pair, base first; abba: base, head, head, base, … */
  order: Optional(oneOf('base-head', 'abba')),
  /** stored: the base is a report.json from another run. */
  baseline: Optional(oneOf('merge-base', 'stored')),
  /** Two-sided confidence of the intervals: the budget split over the pairs at which it could stop. */
  confidence: Optional(Type.Number({ minimum: 0, maximum: 1 }))
})
type Comparison = Static<typeof Comparison>

/** Where the head's code can be read: file:line links go to its blobs. */
export const SourceLink = object({
  /** "https://github.com/owner/repo" */
  repositoryUrl: TEXT,
  /** The head commit the lines are at, 40 hex digits. */
  commit: TEXT,
  /**
   * The commit measured, when it is not `commit`: on pull_request events the checkout is
   * GitHub's merge of the PR's head (`commit`) into the base, a commit nobody pushed.
   */
  merge: Optional(TEXT)
})
export type SourceLink = Static<typeof SourceLink>

/** The action as the workflow used it (GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF): a tag, branch or commit. */
export const ActionRef = object({ repository: WORD, ref: WORD })
export type ActionRef = Static<typeof ActionRef>

/** On a pull_request event: the merge commit GitHub checks out (GITHUB_SHA) and the PR's head. */
export interface PullRequestMerge {
  merge: string
  head: string
}

export const SCHEMA_VERSION = 2

/** report.json; 2: samples hold liveHeapBytes/liveHeapObjects (1 named them heapInuse*), judgements added. */
export const Report = object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  tool: object({
    name: Type.Literal('go-memgate'),
    version: WORD,
    action: Optional(ActionRef)
  }),
  name: Type.String({ pattern: NAME_PATTERN }),
  verdict: Verdict,
  /** The judgements in words, for readers of report.json; rendered from `judgements`. */
  reasons: list(TEXT, 100),
  /** Worst first. */
  judgements: list(Judgement, 100),
  /** What the reader must know first: no baseline, fell back to limits, ... */
  notices: list(TEXT, 1000),
  /** The inputs as written (describeConfig), secrets hidden. */
  // additionalProperties, not Type.Record: its key pattern '^.*$' lets a key with a line break pass unchecked.
  config: Type.Unsafe<Record<string, string>>({
    type: 'object',
    maxProperties: 200,
    additionalProperties: TEXT
  }),
  runs: object({ head: Run, base: Optional(Run) }, { additionalProperties: false }),
  comparison: Optional(Comparison),
  createdAt: WORD,
  /** Absent when unknown (the CLI without a GitHub remote). */
  source: Optional(SourceLink)
})
export type Report = Static<typeof Report>

/** Why the baseline asked for could not be had; report/notices.ts says it first in the report. */
export type BaselineMissing =
  | { why: 'no-shared-history'; baseRef: string }
  | { why: 'no-folder'; baseRef: string; commit: string; folder: string }
  | { why: 'base-failed'; commit: string | undefined; error: string }

/** A stored baseline measured with another value of an input that shapes the load. */
export interface StoredInputDiffers {
  path: string
  input: string
  then: string
  now: string
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

/** One side of a gate: the head, or the base it is compared with. */
export interface Side {
  side: 'head' | 'base'
  /** Absolute path of the Go module to build for this side. */
  moduleDir: string
  /** The top folder of the git repository holding moduleDir, else moduleDir. */
  repoRoot: string
  ref?: string
  commit?: string
  /** The head's lines the pull request changed since the merge-base: its sites rank first. */
  changedLines?: ChangedLines
}

/** The service's code as the toolchain sees it, for attribution. */
interface ModuleInfo {
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
  notes: RunNote[]
  /** Responses the built-in load received while sampling; null for a load-command. */
  requests: number | null
  /** `goroutine?debug=2` at the end: wait reasons, ages and creators. */
  goroutineText: GoroutineTextGroup[] | null
  /** From the same dump: which service line started the goroutines libraries began (with tracebackancestors). */
  goroutineOrigins: GoroutineOrigin[] | null
  /** `goroutineleak` at the end, when the service was built with the experiment. */
  goroutineLeaks: GoroutineSummary | null
  /** The interval sampled at and what it cost; absent when no sample was read. */
  interval?: SamplingInterval
  /** MemStats.TotalAlloc from the first reading to the last; null from /metrics. */
  allocated: { bytes: number; seconds: number } | null
}

/**
 * The service before the load started, for the check that the load reached its code
 * (analysis/load-reach.ts): what it allocated over a short idle stretch, in all and
 * through its own code (heap profile alloc_space, as Sampling's profiles count it).
 */
export interface IdleStretch {
  seconds: number
  allocBytes: number
  ownAllocBytes: number
  /** The own-code stacks that allocated while idle (a ticker's, a cache refresher's): not the load's doing. */
  busyStacks: string[]
}

/** One measured run of one side, as the engine hands it to analysis. */
export interface Measurement {
  side: Side
  module: ModuleInfo
  sampling: Sampling
  load: LoadStats
  notes: RunNote[]
  /** Raw profiles, relative to the output folder. */
  profilesDir: string
  /** Null from /metrics, or when the idle stretch could not be read. */
  idle: IdleStretch | null
}
