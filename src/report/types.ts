// report.json, schemaVersion 1: the product. Every other output is rendered from it.

export type Verdict = 'pass' | 'fail' | 'inconclusive'

/** One sampling instant. `t` is seconds since the end of warm-up. */
export interface Sample {
  t: number
  /** Live heap right after a forced GC (runtime.MemStats.HeapAlloc), exact. */
  heapInuseBytes: number
  heapInuseObjects: number
  goroutines: number
  /** Resident set of the service's process group; null where the platform gives none. */
  rssBytes: number | null
}

/** A robust growth slope with its confidence interval, in units per second. */
export interface Trend {
  slopePerSec: number
  ciLow: number
  ciHigh: number
  /** Slope over the second half of the samples: a plateau shows here as ~0. */
  lateSlopePerSec: number
  method: 'theil-sen'
  confidence: number
  n: number
}

export type SeriesName = 'heap' | 'goroutines' | 'rss'

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
}

export interface LoadStats {
  kind: 'built-in' | 'command'
  command?: string
  requests: number | null
  errors: number | null
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
  durationSec: number
  /**
   * With repeats > 1, each repeat's own slopes. `trends` then pool all repeats (pairs
   * within a repeat only); `samples`, `load` and `profilesDir` are the first repeat's.
   */
  repeats?: { slopePerSec: Record<SeriesName, number | null>; profilesDir: string }[]
}

export interface SeriesComparison {
  /** head slope minus base slope, units per second, with its interval. */
  diffPerSec: number
  ciLow: number
  ciHigh: number
  limitPerSec: number | null
}

export interface Report {
  schemaVersion: 1
  tool: { name: 'go-memgate'; version: string }
  name: string
  verdict: Verdict
  reasons: string[]
  /** What the reader must know first: no baseline, fell back to limits, ... */
  notices: string[]
  config: Record<string, unknown>
  runs: { head: Run; base?: Run }
  comparison?: { heap?: SeriesComparison; goroutines?: SeriesComparison }
  createdAt: string
}
