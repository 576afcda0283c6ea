// The contract users depend on: every input in one entry, from which the rest follows.
// Every action input is also a CLI flag of the same name (src/cli/main.ts makes the flags
// from this table); `Config` is typed from the entries' fields and parsers (config.ts);
// action.yml and the README are checked against this table by tests.
import {
  baseline,
  baseRef,
  duration,
  envLines,
  gateName,
  growthLimit,
  httpUrl,
  increase,
  METRICS_EXAMPLE,
  oneOf,
  onOff,
  optional,
  orNull,
  packagePath,
  pprofFolder,
  seriesRates,
  shareOfCore,
  targetUrl,
  text,
  wholeNumber,
  type Parser
} from './input-parsers.js'

export interface InputSpec<Field extends string = string, Value = unknown> {
  name: string
  /** Its field in Config. */
  field: Field
  description: string
  /** The default as the user would write it; '' means unset. */
  default: string
  /** The text (trimmed, or the default when empty) → the Config value; throws ConfigError. */
  parse: Parser<Value>
  /** Only meaningful to the action (GitHub writes); the CLI has no flag for it. */
  actionOnly?: boolean
  /** One value a line: each use of the CLI flag adds a line. */
  repeatable?: boolean
  /**
   * How report.json records it (describeConfig): report.json goes into the artifact and
   * the PR comment, which GitHub does not mask as it masks logs. Default: as written.
   */
  inReport?: 'credentials-hidden' | 'secrets-hidden' | 'left-out'
}

/** An entry of the table; keeps its field's name and its parser's type for Config. */
const input = <Field extends string, Value>(spec: InputSpec<Field, Value>) => spec

/** The most base/head pairs (`repeats`, `max-repeats`): each runs the service twice. */
const MAX_PAIRS = 20

export const INPUTS = [
  input({
    name: 'working-directory',
    default: '.',
    description: 'The Go module to test.',
    field: 'workingDirectory',
    parse: text
  }),
  input({
    name: 'package',
    default: '.',
    description: 'The main package to build, relative to working-directory.',
    field: 'package',
    parse: packagePath
  }),
  input({
    name: 'build-command',
    field: 'buildCommand',
    parse: optional(text),
    default: '',
    description: 'Replaces the default `go build`; it must write the binary to `$MEMGATE_BINARY`.'
  }),
  input({
    name: 'start-command',
    field: 'startCommand',
    parse: optional(text),
    default: '',
    description:
      'How to start the service (a shell command); default: the built binary. `$MEMGATE_BINARY` is set.'
  }),
  input({
    name: 'env',
    default: '',
    description: 'Environment variables for the service, one `KEY=VALUE` a line.',
    field: 'env',
    parse: envLines,
    repeatable: true,
    inReport: 'secrets-hidden'
  }),
  input({
    name: 'pprof-url',
    field: 'pprofUrl',
    parse: pprofFolder,
    inReport: 'credentials-hidden',
    default: 'http://127.0.0.1:6060/debug/pprof',
    description: 'Where the service serves `net/http/pprof`.'
  }),
  input({
    name: 'metrics-url',
    field: 'metricsUrl',
    parse: optional(httpUrl(METRICS_EXAMPLE)),
    inReport: 'credentials-hidden',
    default: '',
    description:
      "Where the service serves Prometheus `/metrics` (client_golang's Go collector), e.g. `http://127.0.0.1:6060/metrics`: read when pprof is not there. The metrics cannot force a GC, so their readings are noisier, and attribution needs pprof."
  }),
  input({
    name: 'source',
    field: 'source',
    parse: oneOf(['auto', 'pprof', 'metrics'] as const),
    default: 'auto',
    description:
      '`pprof`, `metrics` (read `metrics-url` only) or `auto`: pprof when it answers, else `metrics-url` when set.'
  }),
  input({
    name: 'ready-timeout',
    field: 'readyTimeoutMs',
    parse: duration({ minMs: 1000 }),
    default: '60s',
    description:
      "How long to wait for the pprof endpoint, then for target-url, to answer (from the service's start)."
  }),
  input({
    name: 'load-command',
    field: 'loadCommand',
    parse: optional(text),
    inReport: 'credentials-hidden',
    default: '',
    description:
      'A shell command that drives the service; it gets `MEMGATE_TARGET_URL` and `MEMGATE_DURATION` (seconds: warm-up + max-duration + 10). Empty: the built-in load generator.'
  }),
  input({
    name: 'target-url',
    field: 'targetUrl',
    parse: targetUrl,
    inReport: 'credentials-hidden',
    default: '',
    description: 'The URL the built-in load generator requests; default: `/` on the pprof-url host.'
  }),
  input({
    name: 'rate',
    default: '200',
    description: 'Requests per second of the built-in load generator.',
    field: 'ratePerSec',
    parse: wholeNumber({ max: 100_000 })
  }),
  input({
    name: 'connections',
    field: 'connections',
    parse: wholeNumber({ max: 1000 }),
    default: '8',
    description: 'Concurrent connections of the built-in load generator.'
  }),
  input({
    name: 'duration',
    field: 'durationMs',
    parse: duration({ minMs: 5000 }),
    default: '30s',
    description:
      'How long to sample after warm-up before the first look at the growth; the gate looks again every `duration` while the answer is unclear.'
  }),
  input({
    name: 'max-duration',
    field: 'maxDurationMs',
    parse: duration({ minMs: 5000 }),
    default: '120s',
    description:
      'The longest the gate samples: growth still unclear at this look is inconclusive. Retention that lasts longer than about half of it looks like a leak.'
  }),
  input({
    name: 'warmup',
    default: '15s',
    description: 'Load before sampling starts, so caches and pools fill.',
    field: 'warmupMs',
    parse: duration({ minMs: 0 })
  }),
  input({
    name: 'interval',
    field: 'intervalMs',
    parse: orNull('auto', duration({ minMs: 500 })),
    default: 'auto',
    description:
      'Time between samples; `auto`: from what the first sample cost the service, so that sampling stays within `sampling-budget`, at most once a second; when a look would get fewer than 8 samples, the looks (`duration`, `max-duration`) move later by the same factor and the report says so; with a `load-command`, which runs for the time it was given, they stay, and sampling goes over the budget, said in the report.'
  }),
  input({
    name: 'sampling-budget',
    field: 'samplingBudgetCores',
    parse: shareOfCore,
    default: '5%',
    description:
      "The share of one core the samples' forced GCs may take from the service (each marks its whole live heap): `interval: auto` keeps to it, and the report says when a fixed interval does not."
  }),
  input({
    name: 'quiesce',
    field: 'quiesce',
    parse: onOff('on', 'off'),
    default: 'on',
    description:
      '`on`: pause the load for each reading until no request is in flight, so that the live heap counts what is retained; `off`: take the least of four readings under load.'
  }),
  input({
    name: 'max-heap-growth',
    field: 'maxHeapGrowth',
    parse: growthLimit('bytes'),
    default: '512KiB/min',
    description:
      'Allowed live-heap growth, per time (`1MiB/min`) or per request of the built-in load (`64B/req`); `off` turns the limit off.'
  }),
  input({
    name: 'max-goroutine-growth',
    field: 'maxGoroutineGrowth',
    parse: growthLimit('count'),
    default: '10/min',
    description:
      'Allowed goroutine growth, per time (`10/min`) or per requests of the built-in load (`1/1000req`); `off` turns the limit off.'
  }),
  input({
    name: 'baseline',
    field: 'baseline',
    parse: baseline,
    default: 'auto',
    description:
      '`merge-base` (measure the merge-base of the PR the same way), `none`, or the path of a report.json; `auto`: `merge-base` on pull_request events, else `none`.'
  }),
  input({
    name: 'base-ref',
    field: 'baseRef',
    parse: baseRef,
    default: '',
    description:
      'The branch the PR merges into; the action reads it from the event, the CLI uses the default branch.'
  }),
  input({
    name: 'repeats',
    field: 'repeats',
    parse: wholeNumber({ max: MAX_PAIRS }),
    default: '1',
    description:
      'How many base/head pairs are measured (at most 20): one pair runs base then head; more run base, head, head, base, … so that over an even number of pairs a steady drift of the machine falls on both sides alike.'
  }),
  input({
    name: 'max-repeats',
    field: 'maxRepeats',
    parse: wholeNumber({ max: MAX_PAIRS }),
    default: '3',
    description:
      'The most base/head pairs (at least `repeats`, at most 20): while head − base straddles the allowed increase after `repeats` pairs, one more pair is measured, up to this many.'
  }),
  input({
    name: 'max-increase-over-baseline',
    field: 'maxIncreaseOverBaseline',
    parse: increase,
    default: '256KiB/min, 5/min',
    description:
      'How much faster than the base the head may grow: a heap rate, a goroutine rate, or both separated by a comma (one left out keeps its default); `off` turns the comparison off.'
  }),
  input({
    name: 'absolute-limits',
    field: 'absoluteLimits',
    parse: oneOf(['change', 'strict'] as const),
    default: 'change',
    description:
      "With a baseline, how `max-heap-growth` and `max-goroutine-growth` judge the head: `change` fails a limit the base exceeds too only when the head grows faster than the base by more than `max-increase-over-baseline` (a growth the base shares fails the base branch's own run, with `baseline: none`); `strict` fails the head on them whatever the base does."
  }),
  input({
    name: 'baseline-noise-floor',
    field: 'baselineNoiseFloor',
    parse: seriesRates,
    default: '30KiB/min, 0/min',
    description:
      "The least run-to-run spread of growth rates the comparison allows for (one standard deviation of a run's slope): two runs of the same code differ by more than their own intervals say. Measure your service's with `memgate calibrate`; the default is measured on a quiet service."
  }),
  input({
    name: 'memprofilerate',
    field: 'memprofilerate',
    parse: orNull('off', wholeNumber({ max: 2 ** 30 })),
    default: '32768',
    description:
      "Sets `GODEBUG=memprofilerate=N` for the service: one heap-profile sample per N bytes allocated (32768: 16 times finer than Go's 512 KiB), at about 3% more CPU on an allocation-heavy service; `4096` names the line of a leak of a few dozen bytes a request at the first look but costs such a service about a quarter more CPU; `1` records every allocation, `off` keeps Go's 512 KiB."
  }),
  input({
    name: 'goroutine-leak-profile',
    field: 'goroutineLeakProfile',
    parse: oneOf(['auto', 'on', 'off'] as const),
    default: 'auto',
    description:
      '`auto`, `on` or `off`: build with `GOEXPERIMENT=goroutineleakprofile` (Go 1.26+) and read `/debug/pprof/goroutineleak`.'
  }),
  input({
    name: 'fail-on',
    field: 'failOn',
    parse: oneOf(['fail', 'inconclusive', 'never'] as const),
    default: 'fail',
    description: '`fail`, `inconclusive` (stricter) or `never` (report only).'
  }),
  input({
    name: 'comment',
    field: 'comment',
    parse: oneOf(['always', 'on-change', 'on-failure', 'never'] as const),
    default: 'always',
    description: 'When to write the PR comment: `always`, `on-change`, `on-failure` or `never`.',
    actionOnly: true
  }),
  input({
    name: 'name',
    field: 'name',
    parse: gateName,
    default: 'memgate',
    description: 'Tells several gates in one repository apart (comments, artifacts, summaries).'
  }),
  input({
    name: 'pushgateway-url',
    field: 'pushgatewayUrl',
    parse: optional(httpUrl('http://127.0.0.1:9091')),
    inReport: 'credentials-hidden',
    default: '',
    description:
      "A Prometheus Pushgateway to push each run's slopes and verdict to, grouped by `name`, repository, branch and commit; a failed push is a warning and leaves the verdict as it is."
  }),
  input({
    name: 'github-token',
    field: 'githubToken',
    parse: text,
    inReport: 'left-out',
    default: '${{ github.token }}',
    description: 'Token for the PR comment.',
    actionOnly: true
  }),
  input({
    name: 'upload-artifact',
    field: 'uploadArtifact',
    parse: onOff('true', 'false'),
    default: 'true',
    description: 'Upload the raw profiles and report.json as an artifact.',
    actionOnly: true
  }),
  input({
    name: 'mode',
    field: 'mode',
    parse: oneOf(['full', 'analyze', 'comment'] as const),
    default: 'full',
    description:
      '`full`, `analyze` (no GitHub writes but the artifact: for untrusted fork code) or `comment` (post the report.json given in `report-json`).',
    actionOnly: true
  }),
  input({
    name: 'report-json',
    field: 'reportJson',
    parse: optional(text),
    default: '',
    description:
      'With `mode: comment`, the report.json an earlier `analyze` run wrote; several (a path a line, or a glob such as `reports/*/report.json`) make one comment with a row a service.',
    actionOnly: true
  })
] as const

/** One entry of the inputs table. */
export type Input = (typeof INPUTS)[number]

export const OUTPUTS: { name: string; description: string }[] = [
  { name: 'verdict', description: '`pass`, `fail` or `inconclusive`.' },
  { name: 'heap-slope', description: 'Live-heap growth of the head, bytes per second.' },
  { name: 'goroutine-slope', description: 'Goroutine growth of the head, per second.' },
  { name: 'report-json', description: 'Path of report.json (with several, a path a line).' },
  { name: 'report-markdown', description: 'Path of the rendered markdown.' },
  { name: 'comment-url', description: 'The PR comment, when one was written.' }
]
