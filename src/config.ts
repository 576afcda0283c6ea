// Inputs and flags -> one typed, validated Config. Nothing else reads inputs.
import { ConfigError, METRICS_EXAMPLE, type RunEvent } from './input-parsers.js'
import { INPUTS, type Input } from './inputs.js'
import { envSecretsHidden, isSecretEnv, isSecretName, redactText } from './redact.js'
import { UnitError } from './units.js'

export { ConfigError, type RunEvent } from './input-parsers.js'

/** The fewest samples a look may judge: the interval is at most duration / 8. */
export const SAMPLES_PER_LOOK = 8

/** `interval: auto` never samples more often than this (engine/sampling-budget.ts). */
export const AUTO_INTERVAL_FLOOR_MS = 1000

/** The longest interval the duration allows: each look gets its samples. */
export function longestIntervalMs(config: Pick<Config, 'durationMs'>): number {
  return config.durationMs / SAMPLES_PER_LOOK
}

/**
 * Each input's field, of the type its parser returns: a field is added to Config by adding
 * its entry to INPUTS, and the compiler holds every reader of Config to the table.
 */
export type Config = { [I in Input as I['field']]: ReturnType<I['parse']> }

/** Raw input values by input name; missing or empty means the default. */
export type RawInputs = Record<string, string | undefined>

/** Each input through its entry's parser, then the rules that join two inputs. */
export function parseConfig(raw: RawInputs, event: RunEvent = {}): Config {
  for (const key of Object.keys(raw)) {
    if (!INPUTS.some((i) => i.name === key)) throw new ConfigError(`unknown input "${key}"`)
  }
  const text = (name: string) => raw[name]?.trim() || (INPUTS.find((i) => i.name === name)?.default ?? '')
  const fields = INPUTS.map((input) => [
    input.field,
    inInput(input.name, () => input.parse(text(input.name), { event, default: input.default, text }))
  ])
  return checkTogether(Object.fromEntries(fields) as Config, text)
}

/** Runs `parse`; a UnitError or ConfigError becomes a ConfigError that names the input. */
function inInput<T>(name: string, parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    if (e instanceof UnitError || e instanceof ConfigError) throw new ConfigError(`${name}: ${e.message}`)
    throw e
  }
}

/** The rules that join two inputs; `text` gives an input as written, for the message. */
function checkTogether(config: Config, text: (name: string) => string): Config {
  if (config.source === 'metrics' && !config.metricsUrl)
    throw new ConfigError(
      `metrics-url: source "metrics" needs the URL of the service's /metrics, such as ${METRICS_EXAMPLE}`
    )
  // auto samples at most once a second.
  if (config.durationMs / (config.intervalMs ?? AUTO_INTERVAL_FLOOR_MS) < SAMPLES_PER_LOOK)
    throw new ConfigError(
      `interval: ${text('interval')} gives fewer than ${SAMPLES_PER_LOOK} samples in duration ${text('duration')}; ${config.intervalMs === null ? 'lengthen the duration' : 'shorten the interval or lengthen the duration'}`
    )
  if (config.maxDurationMs < config.durationMs)
    throw new ConfigError(
      `max-duration: ${text('max-duration')} is shorter than duration ${text('duration')}; give at least the duration`
    )
  // Requests are counted by the built-in load only.
  for (const [name, limit, example] of [
    ['max-heap-growth', config.maxHeapGrowth, '512KiB/min'],
    ['max-goroutine-growth', config.maxGoroutineGrowth, '10/min']
  ] as const)
    if (limit?.per === 'request' && config.loadCommand)
      throw new ConfigError(
        `${name}: a limit per request needs the built-in load, which counts requests; with a load-command give a rate per time such as ${example}`
      )
  if (config.mode === 'comment' && !config.reportJson)
    throw new ConfigError('report-json: mode "comment" needs the path of the report.json to post')
  // At least repeats: the runner passes the declared default of an input left out, so a
  // workflow that sets only repeats must not be refused for it.
  return { ...config, maxRepeats: Math.max(config.repeats, config.maxRepeats) }
}

/** How an entry's `inReport` records it. */
const RECORDED = { 'credentials-hidden': redactText, 'secrets-hidden': envSecretsHidden }

/**
 * The resolved inputs as the user would write them, for report.json. report.json goes
 * into the artifact and the PR comment, which GitHub does not mask as it masks logs: the
 * token is left out, env values secret by name or shape become `***` (the others stay, so
 * that the reproduce line runs), and commands and URLs lose what looks like a credential
 * (URL userinfo and queries, bearer tokens, keys).
 */
export function describeConfig(raw: RawInputs): Record<string, string> {
  const out: Record<string, string> = {}
  for (const input of INPUTS) {
    const text = raw[input.name]?.trim() || input.default
    if (input.inReport === 'left-out') continue
    out[input.name] = input.inReport ? RECORDED[input.inReport](text) : text
  }
  return out
}

/**
 * What must never be shown: the token, and env values secret by isSecretEnv's rule.
 * Plain values (ADDR=127.0.0.1:8080) stay readable in logs: hiding them would hide ports.
 */
export function secretValues(
  config: Pick<Config, 'env' | 'githubToken'> & Partial<Pick<Config, UrlInput>>
): string[] {
  const env = Object.entries(config.env)
    .filter(([name, value]) => isSecretEnv(name, value))
    .map(([, value]) => value)
  const urls = URL_INPUTS.flatMap((field) => urlCredentials(config[field]))
  return [config.githubToken, ...env, ...urls].filter((v) => v !== '' && !v.startsWith('${{'))
}

type UrlInput = 'pprofUrl' | 'targetUrl' | 'metricsUrl' | 'pushgatewayUrl'
const URL_INPUTS: UrlInput[] = ['pprofUrl', 'targetUrl', 'metricsUrl', 'pushgatewayUrl']

/**
 * A URL input's password and the values of its secret-looking query names (`api_key`, not
 * `debug=1`, which the runner would then mask everywhere): the service, or a load that echoes
 * its requests, may print them alone, where no shape tells them from other text.
 */
function urlCredentials(url: string | null | undefined): string[] {
  if (!url || !URL.canParse(url)) return []
  const { password, searchParams } = new URL(url)
  const query = [...searchParams].filter(([name]) => isSecretName(name)).map(([, value]) => value)
  return [decodeComponent(password), ...query]
}

/** A percent-encoded part, decoded; as written when it is not valid encoding. */
function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
