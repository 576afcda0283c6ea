// The parsers an entry of the inputs table (src/inputs.ts) names: each turns the text of one
// input into its typed Config value, or throws a ConfigError that says what was expected.
// parseConfig puts the input's name in front. Rules that join two inputs are in config.ts.
import { NAME_PATTERN, type GrowthLimit } from './model.js'
import { parseDurationMs, parseRate, type Rate } from './units.js'

/** A user error: one line that names the input and how to fix it. Exit code 2. */
export class ConfigError extends Error {}

/** What the run knows of its event: a pull request's base branch makes `baseline: auto` a merge-base. */
export interface RunEvent {
  pullRequestBaseRef?: string
}

/** What a parser may read besides its own text. */
interface ParseContext {
  event: RunEvent
  /** The input's own default, as written in the table. */
  default: string
  /** Another input's text (trimmed, or its default): for a default that follows from it. */
  text: (name: string) => string
}

/** The text of an input: trimmed, its default when empty. */
export type Parser<T> = (text: string, context: ParseContext) => T

export type Baseline = { kind: 'none' } | { kind: 'merge-base' } | { kind: 'report'; path: string }

/** The text as written. */
export const text: Parser<string> = (s) => s

/** '' (no default, nothing given) is null; anything else goes to `parse`. */
export const optional =
  <T>(parse: Parser<T>): Parser<T | null> =>
  (s, context) =>
    s === '' ? null : parse(s, context)

/** `word` (any case) is null; anything else goes to `parse`. */
export const orNull =
  <T>(word: string, parse: Parser<T>): Parser<T | null> =>
  (s, context) =>
    s.toLowerCase() === word ? null : parse(s, context)

export const oneOf =
  <T extends string>(choices: readonly T[]): Parser<T> =>
  (s) => {
    if (!(choices as readonly string[]).includes(s))
      throw new ConfigError(`expected one of ${choices.join(', ')}, got "${s}"`)
    return s as T
  }

/** A switch written as two words, such as on/off: true for the first. */
export const onOff =
  (on: string, off: string): Parser<boolean> =>
  (s, context) =>
    oneOf([on, off])(s, context) === on

export const wholeNumber =
  ({ max }: { max: number }): Parser<number> =>
  (s) => {
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max)
      throw new ConfigError(`expected a whole number from 1 to ${max}, got "${s}"`)
    return Number(s)
  }

/** In milliseconds. */
export const duration =
  ({ minMs }: { minMs: number }): Parser<number> =>
  (s) => {
    const ms = parseDurationMs(s)
    if (ms < minMs) throw new ConfigError(`must be at least ${minMs / 1000}s, got "${s}"`)
    return ms
  }

/** A growth limit per time or per request; whether requests are counted is checked in config.ts. */
export const growthLimit =
  (kind: 'bytes' | 'count'): Parser<GrowthLimit | null> =>
  (s) => {
    if (s.toLowerCase() === 'off') return null
    const rate = rateOfKind(s, kind)
    return { value: rate.value, per: rate.per }
  }

/** "5%" → 0.05 of one core. */
export const shareOfCore: Parser<number> = (s) => {
  const m = /^(\d+(?:\.\d+)?)\s*%$/.exec(s)
  const percent = m ? Number(m[1]) : NaN
  if (!(percent >= 0.1 && percent <= 100))
    throw new ConfigError(`expected a share of one core from 0.1% to 100% such as 5%, got "${s}"`)
  return percent / 100
}

export const httpUrl =
  (example = PPROF_EXAMPLE): Parser<string> =>
  (s) => {
    let url: URL
    try {
      url = new URL(s)
    } catch {
      throw new ConfigError(`expected a URL such as ${example}, got "${s}"`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ConfigError(`expected an http:// or https:// URL, got "${s}"`)
    return url.toString()
  }

const PPROF_EXAMPLE = 'http://127.0.0.1:6060/debug/pprof'
export const METRICS_EXAMPLE = 'http://127.0.0.1:6060/metrics'

/** The folder of net/http/pprof, without a trailing slash. */
export const pprofFolder: Parser<string> = (s, context) => {
  const url = httpUrl()(s, context)
  // Profile names are appended to it: a query or fragment would swallow them.
  if (new URL(url).search || new URL(url).hash)
    throw new ConfigError(
      `has a query or a fragment; give the folder of net/http/pprof alone, such as ${PPROF_EXAMPLE}`
    )
  return url.replace(/(?<!\/)\/+$/, '')
}

/** The load's target: given, or `/` on the pprof-url host. */
export const targetUrl: Parser<string> = (s, context) =>
  s === '' ? new URL('/', pprofFolder(context.text('pprof-url'), context)).toString() : httpUrl()(s, context)

/** A package argument of go build. */
export const packagePath: Parser<string> = (s) => {
  // One that starts with "-" would be read as a flag (-toolexec=…).
  if (s.startsWith('-'))
    throw new ConfigError(
      `"${s}" starts with "-", which go build reads as a flag; give a package path such as ./cmd/server`
    )
  return s
}

export const gateName: Parser<string> = (s) => {
  if (!new RegExp(NAME_PATTERN).test(s))
    throw new ConfigError(
      `use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got "${s}"`
    )
  return s
}

/** One NAME=value a line; blank lines and # comments are skipped. */
export const envLines: Parser<Record<string, string>> = (s) => {
  const env: Record<string, string> = {}
  for (const line of s.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (!m) throw new ConfigError(`expected NAME=value on each line, got "${line.trim()}"`)
    env[m[1]] = m[2]
  }
  return env
}

export const baseline: Parser<Baseline> = (s, { event }) => {
  if (s === 'auto') return { kind: event.pullRequestBaseRef ? 'merge-base' : 'none' }
  if (s === 'none' || s === 'merge-base') return { kind: s }
  if (s.endsWith('.json')) return { kind: 'report', path: s }
  throw new ConfigError(`expected auto, merge-base, none, or the path of a report.json, got "${s}"`)
}

/** Given, else the pull request's base branch, else null (the CLI uses the default branch). */
export const baseRef: Parser<string | null> = (s, { event }) =>
  (s || null) ?? event.pullRequestBaseRef ?? null

export interface SeriesRates {
  heapBytesPerSec: number
  goroutinesPerSec: number
}

/** "256KiB/min, 5/min": the unit tells the series, one left out keeps the input's default. */
export const seriesRates: Parser<SeriesRates> = (s, context) => {
  const given = s.split(',').map((part) => parseRate(part.trim()))
  const pick = (kind: 'bytes' | 'count', fallback: () => number): number => {
    const rates = given.filter((r) => r.kind === kind)
    if (rates.length > 1)
      throw new ConfigError(`gives two ${kind === 'bytes' ? 'heap' : 'goroutine'} rates in "${s}"`)
    if (rates.some((r) => r.per === 'request'))
      throw new ConfigError(`compares growth per time: give a rate such as 256KiB/min or 5/min, got "${s}"`)
    return rates.length ? rates[0].value : fallback()
  }
  const byDefault = () => seriesRates(context.default, context)
  return {
    heapBytesPerSec: pick('bytes', () => byDefault().heapBytesPerSec),
    goroutinesPerSec: pick('count', () => byDefault().goroutinesPerSec)
  }
}

/** Series rates, or `off` for neither. */
export const increase: Parser<{ heapBytesPerSec: number | null; goroutinesPerSec: number | null }> = (
  s,
  context
) => (s.toLowerCase() === 'off' ? { heapBytesPerSec: null, goroutinesPerSec: null } : seriesRates(s, context))

function rateOfKind(s: string, kind: 'bytes' | 'count'): Rate {
  const rate = parseRate(s)
  if (rate.kind !== kind)
    throw new ConfigError(
      kind === 'bytes'
        ? `expected a size per time or per request such as 1MiB/min or 64B/req, got "${s}"`
        : `expected a count per time or per requests such as 10/min or 1/1000req, got "${s}"`
    )
  return rate
}
