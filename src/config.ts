// Inputs and flags -> one typed, validated Config. Nothing else reads inputs.
import { INPUTS } from './inputs.js'
import { envNamesOnly, isSecretName, redactText } from './redact.js'
import type { GrowthLimit } from './model.js'
import { parseDurationMs, parseRate, UnitError, type Rate } from './units.js'

/** A user error: one line that names the input and how to fix it. Exit code 2. */
export class ConfigError extends Error {}

/** The fewest samples a look may judge: the interval is at most duration / 8. */
export const SAMPLES_PER_LOOK = 8
/** The most base/head pairs (`repeats`, `max-repeats`): each runs the service twice. */
const MAX_PAIRS = 20

/** `interval: auto` never samples more often than this (engine/sampling-budget.ts). */
export const AUTO_INTERVAL_FLOOR_MS = 1000

/** The longest interval the duration allows: each look gets its samples. */
export function longestIntervalMs(config: Pick<Config, 'durationMs'>): number {
  return config.durationMs / SAMPLES_PER_LOOK
}

export type Baseline = { kind: 'none' } | { kind: 'merge-base' } | { kind: 'report'; path: string }

export interface Config {
  name: string
  workingDirectory: string
  package: string
  buildCommand: string | null
  startCommand: string | null
  env: Record<string, string>
  pprofUrl: string
  /** The service's Prometheus /metrics, read when pprof is not there; null: unset. */
  metricsUrl: string | null
  /** 'auto': pprof when it answers, else metricsUrl when set. */
  source: 'auto' | 'pprof' | 'metrics'
  readyTimeoutMs: number
  loadCommand: string | null
  targetUrl: string
  ratePerSec: number
  connections: number
  /** The first look, and the gap between looks. */
  durationMs: number
  /** The last look. */
  maxDurationMs: number
  warmupMs: number
  /** The `interval` input; null: auto, chosen from what sampling costs (engine/sampling-budget.ts). */
  intervalMs: number | null
  /** `sampling-budget`: the share of one core the samples' forced GCs may take, 5% → 0.05. */
  samplingBudgetCores: number
  quiesce: boolean
  /** null: the limit is off. */
  maxHeapGrowth: GrowthLimit | null
  maxGoroutineGrowth: GrowthLimit | null
  baseline: Baseline
  baseRef: string | null
  repeats: number
  /** At most this many base/head pairs: pairs are added while head − base straddles the allowance. */
  maxRepeats: number
  maxIncreaseOverBaseline: { heapBytesPerSec: number | null; goroutinesPerSec: number | null }
  /** The least run-to-run spread of one run's slope the comparison allows for. */
  baselineNoiseFloor: { heapBytesPerSec: number; goroutinesPerSec: number }
  memprofilerate: number | null
  goroutineLeakProfile: 'auto' | 'on' | 'off'
  failOn: 'fail' | 'inconclusive' | 'never'
  comment: 'always' | 'on-change' | 'on-failure' | 'never'
  githubToken: string
  uploadArtifact: boolean
  mode: 'full' | 'analyze' | 'comment'
  reportJson: string | null
  /** Each run is pushed there; null: unset. */
  pushgatewayUrl: string | null
}

/**
 * A gate's name: it names the output folder (RUNNER_TEMP/go-memgate/NAME, removed at start)
 * and the artifact, so `.`, `..` and anything with a path separator are out.
 */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'

/** Raw input values by input name; missing or empty means the default. */
export type RawInputs = Record<string, string | undefined>

/** What the run knows of its event: a pull request's base branch makes `baseline: auto` a merge-base. */
export interface RunEvent {
  pullRequestBaseRef?: string
}

const defaultOf = (name: string) => INPUTS.find((i) => i.name === name)?.default ?? ''

export function parseConfig(raw: RawInputs, event: RunEvent = {}): Config {
  const known = new Set(INPUTS.map((i) => i.name))
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new ConfigError(`unknown input "${key}"`)
  }
  const get = (name: string): string => {
    const v = raw[name]?.trim()
    return v ? v : (INPUTS.find((i) => i.name === name)?.default ?? '')
  }
  const optional = (name: string): string | null => get(name) || null
  const inInput = <T>(name: string, parse: (s: string) => T): T => {
    try {
      return parse(get(name))
    } catch (e) {
      if (e instanceof UnitError || e instanceof ConfigError) throw new ConfigError(`${name}: ${e.message}`)
      throw e
    }
  }
  const oneOf = <T extends string>(name: string, choices: readonly T[]): T =>
    inInput(name, (s) => {
      if (!(choices as readonly string[]).includes(s))
        throw new ConfigError(`expected one of ${choices.join(', ')}, got "${s}"`)
      return s as T
    })
  const positiveInt = (name: string, max: number) =>
    inInput(name, (s) => {
      if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max)
        throw new ConfigError(`expected a whole number from 1 to ${max}, got "${s}"`)
      return Number(s)
    })
  const duration = (name: string, min: number) =>
    inInput(name, (s) => {
      const ms = parseDurationMs(s)
      if (ms < min) throw new ConfigError(`must be at least ${min / 1000}s, got "${s}"`)
      return ms
    })
  const limit = (name: string, kind: 'bytes' | 'count'): GrowthLimit | null =>
    inInput(name, (s) => {
      if (s.toLowerCase() === 'off') return null
      const rate = rateOfKind(s, kind)
      // Requests are counted by the built-in load only.
      if (rate.per === 'request' && optional('load-command'))
        throw new ConfigError(
          `a limit per request needs the built-in load, which counts requests; with a load-command give a rate per time such as ${kind === 'bytes' ? '512KiB/min' : '10/min'}`
        )
      return { value: rate.value, per: rate.per }
    })

  const pprofUrl = inInput('pprof-url', (s) => {
    const url = httpUrl(s)
    // Profile names are appended to it: a query or fragment would swallow them.
    if (new URL(url).search || new URL(url).hash)
      throw new ConfigError(
        'has a query or a fragment; give the folder of net/http/pprof alone, such as http://127.0.0.1:6060/debug/pprof'
      )
    return url.replace(/\/+$/, '')
  })
  const metricsUrl = optional('metrics-url')
    ? inInput('metrics-url', (s) => httpUrl(s, METRICS_EXAMPLE))
    : null
  const source = oneOf('source', ['auto', 'pprof', 'metrics'] as const)
  if (source === 'metrics' && !metricsUrl)
    throw new ConfigError(
      `metrics-url: source "metrics" needs the URL of the service's /metrics, such as ${METRICS_EXAMPLE}`
    )
  const targetUrl = optional('target-url')
    ? inInput('target-url', httpUrl)
    : new URL('/', pprofUrl).toString()

  const durationMs = duration('duration', 5000)
  const intervalMs = get('interval').toLowerCase() === 'auto' ? null : duration('interval', 500)
  // auto samples at most once a second.
  if (durationMs / (intervalMs ?? AUTO_INTERVAL_FLOOR_MS) < SAMPLES_PER_LOOK)
    throw new ConfigError(
      `interval: ${get('interval')} gives fewer than ${SAMPLES_PER_LOOK} samples in duration ${get('duration')}; ${intervalMs === null ? 'lengthen the duration' : 'shorten the interval or lengthen the duration'}`
    )

  const maxDurationMs = duration('max-duration', 5000)
  if (maxDurationMs < durationMs)
    throw new ConfigError(
      `max-duration: ${get('max-duration')} is shorter than duration ${get('duration')}; give at least the duration`
    )

  const repeats = positiveInt('repeats', MAX_PAIRS)
  // At least repeats: the runner passes the declared default of an input left out, so a
  // workflow that sets only repeats must not be refused for it.
  const maxRepeats = Math.max(repeats, positiveInt('max-repeats', MAX_PAIRS))

  const mode = oneOf('mode', ['full', 'analyze', 'comment'] as const)
  const reportJson = optional('report-json')
  if (mode === 'comment' && !reportJson)
    throw new ConfigError('report-json: mode "comment" needs the path of the report.json to post')

  return {
    name: inInput('name', (s) => {
      if (!new RegExp(NAME_PATTERN).test(s))
        throw new ConfigError(
          `use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got "${s}"`
        )
      return s
    }),
    workingDirectory: get('working-directory'),
    package: inInput('package', (s) => {
      // It is an argument of go build: one that starts with "-" would be read as a flag (-toolexec=…).
      if (s.startsWith('-'))
        throw new ConfigError(
          `"${s}" starts with "-", which go build reads as a flag; give a package path such as ./cmd/server`
        )
      return s
    }),
    buildCommand: optional('build-command'),
    startCommand: optional('start-command'),
    env: inInput('env', parseEnv),
    pprofUrl,
    metricsUrl,
    source,
    readyTimeoutMs: duration('ready-timeout', 1000),
    loadCommand: optional('load-command'),
    targetUrl,
    ratePerSec: positiveInt('rate', 100_000),
    connections: positiveInt('connections', 1000),
    durationMs,
    maxDurationMs,
    warmupMs: duration('warmup', 0),
    intervalMs,
    samplingBudgetCores: inInput('sampling-budget', parseBudget),
    quiesce: oneOf('quiesce', ['on', 'off'] as const) === 'on',
    maxHeapGrowth: limit('max-heap-growth', 'bytes'),
    maxGoroutineGrowth: limit('max-goroutine-growth', 'count'),
    baseline: inInput('baseline', (s) => parseBaseline(s, event)),
    baseRef: optional('base-ref') ?? event.pullRequestBaseRef ?? null,
    repeats,
    maxRepeats,
    maxIncreaseOverBaseline: inInput('max-increase-over-baseline', parseIncrease),
    baselineNoiseFloor: inInput('baseline-noise-floor', (s) =>
      parseSeriesRates(s, defaultOf('baseline-noise-floor'))
    ),
    memprofilerate:
      get('memprofilerate').toLowerCase() === 'off' ? null : positiveInt('memprofilerate', 2 ** 30),
    goroutineLeakProfile: oneOf('goroutine-leak-profile', ['auto', 'on', 'off'] as const),
    failOn: oneOf('fail-on', ['fail', 'inconclusive', 'never'] as const),
    comment: oneOf('comment', ['always', 'on-change', 'on-failure', 'never'] as const),
    githubToken: get('github-token'),
    uploadArtifact: oneOf('upload-artifact', ['true', 'false'] as const) === 'true',
    mode,
    reportJson,
    pushgatewayUrl: optional('pushgateway-url')
      ? inInput('pushgateway-url', (s) => httpUrl(s, 'http://127.0.0.1:9091'))
      : null
  }
}

/** "5%" → 0.05 of one core. */
function parseBudget(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  const percent = m ? Number(m[1]) : NaN
  if (!(percent >= 0.1 && percent <= 100))
    throw new ConfigError(`expected a share of one core from 0.1% to 100% such as 5%, got "${text}"`)
  return percent / 100
}

function rateOfKind(text: string, kind: 'bytes' | 'count'): Rate {
  const rate = parseRate(text)
  if (rate.kind !== kind)
    throw new ConfigError(
      kind === 'bytes'
        ? `expected a size per time or per request such as 1MiB/min or 64B/req, got "${text}"`
        : `expected a count per time or per requests such as 10/min or 1/1000req, got "${text}"`
    )
  return rate
}

const METRICS_EXAMPLE = 'http://127.0.0.1:6060/metrics'

function httpUrl(text: string, example = 'http://127.0.0.1:6060/debug/pprof'): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new ConfigError(`expected a URL such as ${example}, got "${text}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`expected an http:// or https:// URL, got "${text}"`)
  return url.toString()
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (!m) throw new ConfigError(`expected NAME=value on each line, got "${line.trim()}"`)
    env[m[1]] = m[2]
  }
  return env
}

function parseBaseline(text: string, event: RunEvent): Baseline {
  if (text === 'auto') return { kind: event.pullRequestBaseRef ? 'merge-base' : 'none' }
  if (text === 'none' || text === 'merge-base') return { kind: text }
  if (text.endsWith('.json')) return { kind: 'report', path: text }
  throw new ConfigError(`expected auto, merge-base, none, or the path of a report.json, got "${text}"`)
}

/** "256KiB/min, 5/min", or `off` for neither. */
function parseIncrease(text: string): Config['maxIncreaseOverBaseline'] {
  if (text.toLowerCase() === 'off') return { heapBytesPerSec: null, goroutinesPerSec: null }
  return parseSeriesRates(text, defaultOf('max-increase-over-baseline'))
}

/** "256KiB/min, 5/min": the unit tells the series, one left out keeps the input's default. */
function parseSeriesRates(
  text: string,
  defaultText: string
): { heapBytesPerSec: number; goroutinesPerSec: number } {
  const given = text.split(',').map((part) => parseRate(part.trim()))
  const pick = (kind: 'bytes' | 'count', fallback: () => number): number => {
    const rates = given.filter((r) => r.kind === kind)
    if (rates.length > 1)
      throw new ConfigError(`gives two ${kind === 'bytes' ? 'heap' : 'goroutine'} rates in "${text}"`)
    if (rates.some((r) => r.per === 'request'))
      throw new ConfigError(
        `compares growth per time: give a rate such as 256KiB/min or 5/min, got "${text}"`
      )
    return rates.length ? rates[0].value : fallback()
  }
  return {
    heapBytesPerSec: pick('bytes', () => parseSeriesRates(defaultText, defaultText).heapBytesPerSec),
    goroutinesPerSec: pick('count', () => parseSeriesRates(defaultText, defaultText).goroutinesPerSec)
  }
}

/** Inputs that hold commands or URLs: a token written into them is hidden. */
const FREE_TEXT = [
  'build-command',
  'start-command',
  'load-command',
  'pprof-url',
  'metrics-url',
  'target-url',
  'pushgateway-url'
]

/**
 * The resolved inputs as the user would write them, for report.json. report.json goes
 * into the artifact and the PR comment, which GitHub does not mask as it masks logs: the
 * token is left out, env keeps its names only, and commands and URLs lose what looks like
 * a credential (URL userinfo and queries, bearer tokens, keys).
 */
export function describeConfig(raw: RawInputs): Record<string, string> {
  const out: Record<string, string> = {}
  for (const input of INPUTS) {
    if (input.name === 'github-token') continue
    out[input.name] = raw[input.name]?.trim() || input.default
  }
  out.env = envNamesOnly(out.env)
  for (const name of FREE_TEXT) out[name] = redactText(out[name])
  return out
}

/**
 * What must never be shown: the token, and env values that are secret by name or by shape.
 * Plain values (ADDR=127.0.0.1:8080) stay readable in logs: hiding them would hide ports.
 */
export function secretValues(config: Pick<Config, 'env' | 'githubToken'>): string[] {
  const env = Object.entries(config.env)
    .filter(([name, value]) => isSecretName(name) || redactText(value) !== value)
    .map(([, value]) => value)
  return [config.githubToken, ...env].filter((v) => v !== '' && !v.startsWith('${{'))
}
