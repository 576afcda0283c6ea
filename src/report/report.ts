// Assembles report.json from runs and judgements; checks one written earlier.
import { Ajv, type ValidateFunction } from 'ajv'
import { ConfigError } from '../config.js'
import {
  SCHEMA_VERSION,
  type ActionRef,
  type Judgement,
  Report,
  type Run,
  type SourceLink,
  type Trend,
  type Verdict
} from '../model.js'
import { describeJudgement } from './judgement.js'
import { ReportV1 } from './schema.js'
import packageJson from '../../package.json' with { type: 'json' }

/** The version that ran, as released: the reproduce line pins it. */
export const TOOL_VERSION = packageJson.version

export interface ReportParts {
  name: string
  verdict: Verdict
  /** Worst first. */
  judgements: Judgement[]
  notices: string[]
  config: Record<string, string>
  head: Run
  base?: Run
  comparison?: Report['comparison']
  createdAt: Date
  source?: SourceLink | null
  action?: ActionRef
}

export function buildReport(p: ReportParts): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'go-memgate', version: TOOL_VERSION, ...(p.action ? { action: p.action } : {}) },
    name: p.name,
    verdict: p.verdict,
    reasons: p.judgements.map((j) => describeJudgement(j, p.verdict)),
    judgements: p.judgements,
    notices: p.notices,
    config: p.config,
    runs: p.base ? { head: p.head, base: p.base } : { head: p.head },
    ...(p.comparison ? { comparison: p.comparison } : {}),
    createdAt: p.createdAt.toISOString(),
    ...(p.source ? { source: p.source } : {})
  }
}

/**
 * Checks a report.json written earlier (the text of the file at `path`, named in errors
 * with the input that gave it) against the published schema (schema.ts); refuses another
 * tool, another schema version or a field of the wrong type with a one-line reason.
 * Version 1 is checked as version 1, then read as version 2: its samples' heapInuse*
 * fields are renamed, and its judgements, which it did not keep, are left empty (its
 * reasons remain).
 */
export function parseReport(text: string, path: string, input: string): Report {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new ConfigError(`${input}: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`)
  }
  const r = parsed as { tool?: { name?: unknown }; schemaVersion?: unknown } | null
  if (typeof r !== 'object' || r?.tool?.name !== 'go-memgate')
    throw new ConfigError(`${input}: ${path} is not a go-memgate report.json`)
  const version = r.schemaVersion
  if (version !== SCHEMA_VERSION && version !== 1)
    throw new ConfigError(
      `${input}: ${path} has schemaVersion ${String(version).slice(0, 20)}; this go-memgate reads schemaVersion 1 and ${SCHEMA_VERSION}`
    )
  // In the fork-safe comment mode the file comes from untrusted code: every field a renderer reads is checked.
  const validate = validators()[version]
  if (!validate(parsed))
    throw new ConfigError(
      `${input}: ${path} does not follow the report.json schema (schemaVersion ${version}): ${firstError(validate.errors)}`
    )
  return version === SCHEMA_VERSION ? (parsed as Report) : fromVersion1(parsed as ReportV1)
}

let compiled: { 1: ValidateFunction<ReportV1>; 2: ValidateFunction<Report> } | undefined

/** Compiled once, on first use: a run that reads no report pays nothing. */
function validators() {
  if (!compiled) {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true })
    compiled = { 1: ajv.compile<ReportV1>(ReportV1), 2: ajv.compile<Report>(Report) }
  }
  return compiled
}

/** "/runs/head/trends/heap/slopePerSec must be number": where, quoted safely (keys come from the file), and what. */
function firstError(errors: ValidateFunction['errors']): string {
  const e = errors?.[0]
  if (!e) return 'invalid'
  const extra = (e.params as { additionalProperty?: string }).additionalProperty
  const where = JSON.stringify((e.instancePath || '/') + (extra === undefined ? '' : `/${extra}`))
  return `${where.slice(1, -1).slice(0, 200)} ${e.message ?? 'is invalid'}`
}

type TrendV1 = Pick<Trend, 'slopePerSec' | 'ciLow' | 'ciHigh' | 'lateSlopePerSec' | 'n'>
type RunV1 = ReportV1['runs']['head']

/** Version 1's trends had Sen's plain 95% interval and no halves: read as what they were. */
function trendFromVersion1(t: TrendV1 | null): Trend | null {
  if (!t) return null
  const z = 1.959963984540054
  const { slopePerSec, ciLow, ciHigh, lateSlopePerSec, n } = t
  return {
    slopePerSec,
    ciLow,
    ciHigh,
    earlySlopePerSec: slopePerSec,
    lateSlopePerSec,
    lateCiLow: null,
    lateCiHigh: null,
    // A hostile or broken file may give the bounds the wrong way round: a width is never negative.
    sePerSec: Math.abs(ciHigh - ciLow) / (2 * z),
    rho: 0,
    vif: 1,
    shape: 'steady',
    saturationZ: 0,
    remainingLowPerSec: null,
    remainingHighPerSec: null,
    z,
    confidence: 0.95,
    method: 'theil-sen',
    n
  }
}

function runFromVersion1(run: RunV1): Run {
  return {
    ...run,
    samples: run.samples.map(({ heapInuseBytes, heapInuseObjects, ...s }) => ({
      ...s,
      liveHeapBytes: heapInuseBytes,
      liveHeapObjects: heapInuseObjects
    })),
    trends: {
      heap: trendFromVersion1(run.trends.heap),
      goroutines: trendFromVersion1(run.trends.goroutines),
      rss: trendFromVersion1(run.trends.rss)
    },
    source: { kind: 'pprof' },
    requestsPerSec: run.load.achievedRatePerSec,
    looks: [],
    detectable: {},
    quiescence: { enabled: false, notDrained: 0, pauseP50Ms: null, pauseP95Ms: null, pausedFraction: null }
  }
}

function fromVersion1(r: ReportV1): Report {
  const { head, base } = r.runs
  return {
    ...r,
    schemaVersion: SCHEMA_VERSION,
    judgements: [],
    runs: base
      ? { head: runFromVersion1(head), base: runFromVersion1(base) }
      : { head: runFromVersion1(head) }
  }
}
