// The contract users depend on: every action input is also a CLI flag of the
// same name. action.yml and the README are checked against this table by tests.

export interface InputSpec {
  name: string
  description: string
  /** The default as the user would write it; '' means unset. */
  default: string
  /** Only meaningful to the action (GitHub writes); the CLI has no flag for it. */
  actionOnly?: boolean
}

export const INPUTS: InputSpec[] = [
  { name: 'working-directory', default: '.', description: 'The Go module to test.' },
  { name: 'package', default: '.', description: 'The main package to build, relative to working-directory.' },
  {
    name: 'build-command',
    default: '',
    description: 'Replaces the default `go build`; it must write the binary to `$MEMGATE_BINARY`.'
  },
  {
    name: 'start-command',
    default: '',
    description:
      'How to start the service (a shell command); default: the built binary. `$MEMGATE_BINARY` is set.'
  },
  { name: 'env', default: '', description: 'Environment variables for the service, one `KEY=VALUE` a line.' },
  {
    name: 'pprof-url',
    default: 'http://127.0.0.1:6060/debug/pprof',
    description: 'Where the service serves `net/http/pprof`.'
  },
  {
    name: 'metrics-url',
    default: '',
    description:
      "Where the service serves Prometheus `/metrics` (client_golang's Go collector), e.g. `http://127.0.0.1:6060/metrics`: read when pprof is not there. The metrics cannot force a GC, so their readings are noisier, and attribution needs pprof."
  },
  {
    name: 'source',
    default: 'auto',
    description:
      '`pprof`, `metrics` (read `metrics-url` only) or `auto`: pprof when it answers, else `metrics-url` when set.'
  },
  {
    name: 'ready-timeout',
    default: '60s',
    description: 'How long to wait for the pprof endpoint to answer.'
  },
  {
    name: 'load-command',
    default: '',
    description:
      'A shell command that drives the service; it gets `MEMGATE_TARGET_URL` and `MEMGATE_DURATION` (seconds: warm-up + max-duration + 10). Empty: the built-in load generator.'
  },
  {
    name: 'target-url',
    default: '',
    description: 'The URL the built-in load generator requests; default: `/` on the pprof-url host.'
  },
  { name: 'rate', default: '200', description: 'Requests per second of the built-in load generator.' },
  {
    name: 'connections',
    default: '8',
    description: 'Concurrent connections of the built-in load generator.'
  },
  {
    name: 'duration',
    default: '30s',
    description:
      'How long to sample after warm-up before the first look at the growth; the gate looks again every `duration` while the answer is unclear.'
  },
  {
    name: 'max-duration',
    default: '120s',
    description:
      'The longest the gate samples: growth still unclear at this look is inconclusive. Retention that lasts longer than about half of it looks like a leak.'
  },
  { name: 'warmup', default: '15s', description: 'Load before sampling starts, so caches and pools fill.' },
  {
    name: 'interval',
    default: 'auto',
    description:
      'Time between samples; `auto`: from what the first sample cost the service, so that sampling stays within `sampling-budget`, at most once a second; when a look would get fewer than 8 samples, the looks (`duration`, `max-duration`) move later by the same factor and the report says so; with a `load-command`, which runs for the time it was given, they stay, and sampling goes over the budget, said in the report.'
  },
  {
    name: 'sampling-budget',
    default: '5%',
    description:
      "The share of one core the samples' forced GCs may take from the service (each marks its whole live heap): `interval: auto` keeps to it, and the report says when a fixed interval does not."
  },
  {
    name: 'quiesce',
    default: 'on',
    description:
      '`on`: pause the load for each reading until no request is in flight, so that the live heap counts what is retained; `off`: take the least of four readings under load.'
  },
  {
    name: 'max-heap-growth',
    default: '512KiB/min',
    description:
      'Allowed live-heap growth, per time (`1MiB/min`) or per request of the built-in load (`64B/req`); `off` turns the limit off.'
  },
  {
    name: 'max-goroutine-growth',
    default: '10/min',
    description:
      'Allowed goroutine growth, per time (`10/min`) or per requests of the built-in load (`1/1000req`); `off` turns the limit off.'
  },
  {
    name: 'baseline',
    default: 'auto',
    description:
      '`merge-base` (measure the merge-base of the PR the same way), `none`, or the path of a report.json; `auto`: `merge-base` on pull_request events, else `none`.'
  },
  {
    name: 'base-ref',
    default: '',
    description:
      'The branch the PR merges into; the action reads it from the event, the CLI uses the default branch.'
  },
  {
    name: 'repeats',
    default: '1',
    description:
      'How many base/head pairs are measured (at most 20): one pair runs base then head; more run base, head, head, base, … so that over an even number of pairs a steady drift of the machine falls on both sides alike.'
  },
  {
    name: 'max-repeats',
    default: '3',
    description:
      'The most base/head pairs (at least `repeats`, at most 20): while head − base straddles the allowed increase after `repeats` pairs, one more pair is measured, up to this many.'
  },
  {
    name: 'max-increase-over-baseline',
    default: '256KiB/min, 5/min',
    description:
      'How much faster than the base the head may grow: a heap rate, a goroutine rate, or both separated by a comma (one left out keeps its default); `off` turns the comparison off.'
  },
  {
    name: 'baseline-noise-floor',
    default: '30KiB/min, 0/min',
    description:
      "The least run-to-run spread of growth rates the comparison allows for (one standard deviation of a run's slope): two runs of the same code differ by more than their own intervals say. Measure your service's with `memgate calibrate`; the default is measured on a quiet service."
  },
  {
    name: 'memprofilerate',
    default: '32768',
    description:
      "Sets `GODEBUG=memprofilerate=N` for the service: one heap-profile sample per N bytes allocated (32768: 16 times finer than Go's 512 KiB), at about 3% more CPU on an allocation-heavy service; `4096` names the line of a leak of a few dozen bytes a request at the first look but costs such a service about a quarter more CPU; `1` records every allocation, `off` keeps Go's 512 KiB."
  },
  {
    name: 'goroutine-leak-profile',
    default: 'auto',
    description:
      '`auto`, `on` or `off`: build with `GOEXPERIMENT=goroutineleakprofile` (Go 1.26+) and read `/debug/pprof/goroutineleak`.'
  },
  {
    name: 'fail-on',
    default: 'fail',
    description: '`fail`, `inconclusive` (stricter) or `never` (report only).'
  },
  {
    name: 'comment',
    default: 'always',
    description: 'When to write the PR comment: `always`, `on-change`, `on-failure` or `never`.',
    actionOnly: true
  },
  {
    name: 'name',
    default: 'memgate',
    description: 'Tells several gates in one repository apart (comments, artifacts, summaries).'
  },
  {
    name: 'pushgateway-url',
    default: '',
    description:
      "A Prometheus Pushgateway to push each run's slopes and verdict to, grouped by `name`, repository, branch and commit; a failed push is a warning and leaves the verdict as it is."
  },
  {
    name: 'github-token',
    default: '${{ github.token }}',
    description: 'Token for the PR comment.',
    actionOnly: true
  },
  {
    name: 'upload-artifact',
    default: 'true',
    description: 'Upload the raw profiles and report.json as an artifact.',
    actionOnly: true
  },
  {
    name: 'mode',
    default: 'full',
    description:
      '`full`, `analyze` (no GitHub writes but the artifact: for untrusted fork code) or `comment` (post the report.json given in `report-json`).',
    actionOnly: true
  },
  {
    name: 'report-json',
    default: '',
    description: 'With `mode: comment`, the report.json an earlier `analyze` run wrote.',
    actionOnly: true
  }
]

export const OUTPUTS: { name: string; description: string }[] = [
  { name: 'verdict', description: '`pass`, `fail` or `inconclusive`.' },
  { name: 'heap-slope', description: 'Live-heap growth of the head, bytes per second.' },
  { name: 'goroutine-slope', description: 'Goroutine growth of the head, per second.' },
  { name: 'report-json', description: 'Path of report.json.' },
  { name: 'report-markdown', description: 'Path of the rendered markdown.' },
  { name: 'comment-url', description: 'The PR comment, when one was written.' }
]
