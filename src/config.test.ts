import { ConfigError, describeConfig, parseConfig, secretValues, type RawInputs } from './config.js'
import { INPUTS } from './inputs.js'

describe('parseConfig', () => {
  it('gives every default when nothing is set', () => {
    const c = parseConfig({})
    expect(c.pprofUrl).toBe('http://127.0.0.1:6060/debug/pprof')
    expect(c.targetUrl).toBe('http://127.0.0.1:6060/')
    expect(c.durationMs).toBe(30_000)
    expect(c.maxHeapGrowth).toEqual({ value: 524288 / 60, per: 'second' })
    expect(c.maxGoroutineGrowth).toEqual({ value: 10 / 60, per: 'second' })
    expect(c.baseline).toEqual({ kind: 'none' })
    expect(c.maxIncreaseOverBaseline).toEqual({ heapBytesPerSec: 262144 / 60, goroutinesPerSec: 5 / 60 })
    expect(c.failOn).toBe('fail')
    expect(c.uploadArtifact).toBe(true)
    expect(c.memprofilerate).toBe(32768)
    expect(parseConfig({ memprofilerate: 'off' }).memprofilerate).toBeNull()
    expect(c.metricsUrl).toBeNull()
    expect(c.source).toBe('auto')
    expect(c.pushgatewayUrl).toBeNull()
    expect(c.intervalMs).toBeNull() // auto
    expect(c.samplingBudgetCores).toBe(0.05)
  })

  it('reads interval and sampling-budget: a fixed interval, auto, a share of one core', () => {
    expect(parseConfig({ interval: '2s', 'sampling-budget': '2.5%' })).toMatchObject({
      intervalMs: 2000,
      samplingBudgetCores: 0.025
    })
    expect(parseConfig({ interval: 'AUTO', duration: '8s' }).intervalMs).toBeNull()
  })

  it('reads the Prometheus inputs: metrics-url, source, pushgateway-url', () => {
    const c = parseConfig({
      'metrics-url': 'http://127.0.0.1:6060/metrics',
      source: 'metrics',
      'pushgateway-url': 'http://127.0.0.1:9091'
    })
    expect(c.metricsUrl).toBe('http://127.0.0.1:6060/metrics')
    expect(c.source).toBe('metrics')
    expect(c.pushgatewayUrl).toBe('http://127.0.0.1:9091/')
  })

  it('reads every input by its action name', () => {
    const c = parseConfig({
      'max-heap-growth': 'off',
      'max-goroutine-growth': '2/s',
      env: 'A=1\n# a comment\n\nB=two=2',
      baseline: 'reports/main.json',
      'pprof-url': 'http://127.0.0.1:7070/debug/pprof/',
      'max-increase-over-baseline': '1MiB/min',
      memprofilerate: '1'
    })
    expect(c.maxHeapGrowth).toBeNull()
    expect(c.maxGoroutineGrowth).toEqual({ value: 2, per: 'second' })
    expect(c.env).toEqual({ A: '1', B: 'two=2' })
    expect(c.baseline).toEqual({ kind: 'report', path: 'reports/main.json' })
    expect(c.pprofUrl).toBe('http://127.0.0.1:7070/debug/pprof')
    expect(c.targetUrl).toBe('http://127.0.0.1:7070/')
    // The goroutine rate left out keeps its default.
    expect(c.maxIncreaseOverBaseline).toEqual({ heapBytesPerSec: 1048576 / 60, goroutinesPerSec: 5 / 60 })
    expect(c.memprofilerate).toBe(1)
  })

  it.each<[RawInputs, string]>([
    [
      { 'max-goroutine-growth': '1MiB/min' },
      'max-goroutine-growth: expected a count per time or per requests such as 10/min or 1/1000req, got "1MiB/min"'
    ],
    [
      { 'pprof-url': 'localhost:6060' },
      'pprof-url: expected an http:// or https:// URL, got "localhost:6060"'
    ],
    [
      { 'pprof-url': 'not a url' },
      'pprof-url: expected a URL such as http://127.0.0.1:6060/debug/pprof, got "not a url"'
    ],
    ...['http://127.0.0.1:6060/debug/pprof?token=s3cret', 'http://127.0.0.1:6060/debug/pprof#x'].map(
      (url): [RawInputs, string] => [
        { 'pprof-url': url },
        'pprof-url: has a query or a fragment; give the folder of net/http/pprof alone, such as http://127.0.0.1:6060/debug/pprof'
      ]
    ),
    [
      { package: '-toolexec=/tmp/evil' },
      'package: "-toolexec=/tmp/evil" starts with "-", which go build reads as a flag; give a package path such as ./cmd/server'
    ],
    [{ 'fail-on': 'sometimes' }, 'fail-on: expected one of fail, inconclusive, never, got "sometimes"'],
    [
      { baseline: 'main' },
      'baseline: expected auto, merge-base, none, or the path of a report.json, got "main"'
    ],
    [
      { interval: '10s', duration: '30s' },
      'interval: 10s gives fewer than 8 samples in duration 30s; shorten the interval or lengthen the duration'
    ],
    [{ interval: '100ms' }, 'interval: must be at least 0.5s, got "100ms"'],
    [{ duration: '5s' }, 'interval: auto gives fewer than 8 samples in duration 5s; lengthen the duration'],
    ...['5', '0%', '0.05%', '120%', 'five%', '-5%'].map((budget): [RawInputs, string] => [
      { 'sampling-budget': budget },
      `sampling-budget: expected a share of one core from 0.1% to 100% such as 5%, got "${budget}"`
    ]),
    [{ mode: 'comment' }, 'report-json: mode "comment" needs the path of the report.json to post'],
    [
      { 'max-heap-growth': '64B/req', 'load-command': 'hey' },
      'max-heap-growth: a limit per request needs the built-in load, which counts requests; with a load-command give a rate per time such as 512KiB/min'
    ],
    [
      { 'max-goroutine-growth': '1/1000req', 'load-command': 'hey' },
      'max-goroutine-growth: a limit per request needs the built-in load, which counts requests; with a load-command give a rate per time such as 10/min'
    ],
    [
      { duration: '30s', 'max-duration': '10s' },
      'max-duration: 10s is shorter than duration 30s; give at least the duration'
    ],
    ...['my gate', '..', '.', '../x', 'a/b', '-x', '.hidden', 'x'.repeat(65)].map(
      (name): [RawInputs, string] => [
        { name },
        `name: use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got "${name}"`
      ]
    ),
    [
      { 'max-increase-over-baseline': '1MiB/min, 2MiB/min' },
      'max-increase-over-baseline: gives two heap rates in "1MiB/min, 2MiB/min"'
    ],
    [
      { 'max-repeats': '1000000000000000' },
      'max-repeats: expected a whole number from 1 to 20, got "1000000000000000"'
    ],
    [{ repeats: '0' }, 'repeats: expected a whole number from 1 to 20, got "0"'],
    [{ 'upload-artifact': 'yes' }, 'upload-artifact: expected one of true, false, got "yes"'],
    [{ colour: 'blue' }, 'unknown input "colour"'],
    [{ source: 'otel' }, 'source: expected one of auto, pprof, metrics, got "otel"'],
    [
      { source: 'metrics' },
      'metrics-url: source "metrics" needs the URL of the service\'s /metrics, such as http://127.0.0.1:6060/metrics'
    ],
    [
      { 'metrics-url': '127.0.0.1:6060/metrics' },
      'metrics-url: expected a URL such as http://127.0.0.1:6060/metrics, got "127.0.0.1:6060/metrics"'
    ],
    [
      { 'pushgateway-url': 'ftp://127.0.0.1:9091' },
      'pushgateway-url: expected an http:// or https:// URL, got "ftp://127.0.0.1:9091"'
    ]
  ])('rejects %j with one line that names the input', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(new ConfigError(message))
  })

  it('takes max-repeats as at least repeats: the action passes its default though a workflow sets only repeats', () => {
    expect(parseConfig({}).maxRepeats).toBe(3)
    expect(parseConfig({ repeats: '5', 'max-repeats': '3' })).toMatchObject({ repeats: 5, maxRepeats: 5 })
    expect(parseConfig({ repeats: '2', 'max-repeats': '4' })).toMatchObject({ repeats: 2, maxRepeats: 4 })
  })

  it('takes a name with dots, dashes and underscores inside', () => {
    for (const name of ['api', 'api.v2', 'svc_1-b..c', 'A'.repeat(64)])
      expect(parseConfig({ name }).name).toBe(name)
  })
})

describe('baseline: auto', () => {
  it('measures the merge-base on a pull request, against its base branch', () => {
    const c = parseConfig({}, { pullRequestBaseRef: 'main' })
    expect(c.baseline).toEqual({ kind: 'merge-base' })
    expect(c.baseRef).toBe('main')
  })

  it('measures no baseline elsewhere (a push, the CLI)', () => {
    expect(parseConfig({}).baseline).toEqual({ kind: 'none' })
  })

  it('lets base-ref and baseline override the event', () => {
    const c = parseConfig({ baseline: 'none', 'base-ref': 'release' }, { pullRequestBaseRef: 'main' })
    expect(c.baseline).toEqual({ kind: 'none' })
    expect(c.baseRef).toBe('release')
  })
})

describe('secretValues', () => {
  it('holds the token and env values secret by name or by shape, not plain ones', () => {
    const c = parseConfig({
      'github-token': 'ghs_abcdefgh',
      env: 'ADDR=127.0.0.1:8080\nDB_PASSWORD=hunter2\nREDIS_ADDR=redis://:pw@cache:6379'
    })
    expect(secretValues(c).sort()).toEqual(['ghs_abcdefgh', 'hunter2', 'redis://:pw@cache:6379'].sort())
  })

  it("holds a URL input's password and query values, which a service or a load may print alone", () => {
    const c = parseConfig({
      'target-url': 'http://admin:tgtPass99@127.0.0.1:8080/?api_key=tgtKey77&page=12345',
      'pushgateway-url': 'http://pg.example:9091'
    })
    expect(secretValues(c).sort()).toEqual(['tgtKey77', 'tgtPass99'])
  })

  it('holds every value of a URL, URI, DSN or webhook name: a webhook path is its credential', () => {
    const hook = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX'
    const c = parseConfig({ env: `SLACK_WEBHOOK_URL=${hook}\nPUBLIC_ADDR=127.0.0.1:8080` })
    expect(secretValues(c)).toEqual([hook])
  })
})

describe('describeConfig', () => {
  it('keeps plain env values and hides those secret by name or by shape', () => {
    const d = describeConfig({
      env: 'ADDR=127.0.0.1:8080\nREDIS_ADDR=redis://:pw@cache:6379\nSTRIPE_SK=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n# note\nMONGO_URI=mongodb://h/db\nDB_PASSWORD=hunter2\nMODE=release'
    })
    expect(d.env).toBe(
      'ADDR=127.0.0.1:8080\nREDIS_ADDR=***\nSTRIPE_SK=***\nMONGO_URI=***\nDB_PASSWORD=***\nMODE=release'
    )
  })

  it('hides credentials in commands and URLs', () => {
    const d = describeConfig({
      'load-command': 'curl -H "Authorization: Bearer abc.def.ghi" http://127.0.0.1:8080/',
      'pprof-url': 'http://admin:hunter2@127.0.0.1:6060/debug/pprof',
      'target-url': 'http://127.0.0.1:8080/api?token=s3cr3t',
      'pushgateway-url': 'https://ci:pushpw@gateway.example:9091'
    })
    expect(d['pushgateway-url']).not.toContain('pushpw')
    expect(d['load-command']).not.toContain('abc.def.ghi')
    expect(d['pprof-url']).not.toContain('hunter2')
    expect(d['target-url']).not.toContain('s3cr3t')
    expect(d['pprof-url']).toContain('127.0.0.1:6060/debug/pprof')
  })

  it('records every input but the token', () => {
    const d = describeConfig({ 'github-token': 'ghs_secret', rate: '50' })
    expect(d.rate).toBe('50')
    expect(d['github-token']).toBeUndefined()
    expect(Object.keys(d)).toHaveLength(INPUTS.length - 1)
  })
})
