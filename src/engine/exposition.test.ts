// The strict text-format parser on real /metrics pages of client_golang
// (test/fixtures/metrics) and on what the format allows and forbids.
import { readFileSync } from 'node:fs'
import { ExpositionError, parseExposition } from './exposition.js'

const page = (file: string) => readFileSync(`test/fixtures/metrics/${file}`, 'utf8')

describe('parseExposition on client_golang pages', () => {
  it.each(['client-golang-default.txt', 'client-golang-runtime-gc.txt'])(
    'reads every sample line of %s',
    (file) => {
      const text = page(file)
      const sampleLines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))
      const samples = parseExposition(text)
      expect(samples).toHaveLength(sampleLines.length)
      expect(samples.every((s) => Number.isFinite(s.value))).toBe(true)
    }
  )

  it('reads gauges, summary quantiles and histogram buckets with their labels', () => {
    const samples = parseExposition(page('client-golang-runtime-gc.txt'))
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value
    expect(find('go_goroutines')).toBe(6)
    expect(find('go_gc_heap_live_bytes')).toBe(999_432)
    expect(find('go_memstats_heap_alloc_bytes')).toBe(2_798_184)
    expect(find('go_gc_duration_seconds', { quantile: '0.5' })).toBe(0.000133676)
    expect(find('go_gc_heap_allocs_by_size_bytes_bucket', { le: '+Inf' })).toBeGreaterThan(0)
    expect(samples.find((s) => s.name === 'go_info')?.labels.version).toMatch(/^go1\.\d+/)
  })
})

describe('parseExposition on the format', () => {
  it('reads labels with escapes and a trailing comma, timestamps, ±Inf and NaN', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",} 1.458255915e9',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'minus_inf -Inf',
      'not_a_number NaN',
      'spaced { a = "1" , b="2" }   7'
    ].join('\n')
    expect(parseExposition(text)).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027 },
      {
        name: 'msdos_file_access_time_seconds',
        labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' },
        value: 1.458255915e9
      },
      { name: 'something_weird', labels: { problem: 'division by zero' }, value: Infinity },
      { name: 'minus_inf', labels: {}, value: -Infinity },
      { name: 'not_a_number', labels: {}, value: NaN },
      { name: 'spaced', labels: { a: '1', b: '2' }, value: 7 }
    ])
  })

  it('keeps the last sample without a final newline, and takes CRLF lines', () => {
    expect(parseExposition('a 1\r\nb{x="1"} 2')).toEqual([
      { name: 'a', labels: {}, value: 1 },
      { name: 'b', labels: { x: '1' }, value: 2 }
    ])
  })

  it("takes OpenMetrics' UNIT, EOF and exemplars", () => {
    const text = [
      '# TYPE rpc_seconds histogram',
      '# UNIT rpc_seconds seconds',
      'rpc_seconds_bucket{le="+Inf"} 17 # {trace_id="KOO5S4vxi0o"} 0.67',
      'rpc_seconds_count 17 1520879607.789',
      '# EOF'
    ].join('\n')
    expect(parseExposition(text).map((s) => [s.name, s.value])).toEqual([
      ['rpc_seconds_bucket', 17],
      ['rpc_seconds_count', 17]
    ])
  })

  it.each([
    ['an HTML page', '<!DOCTYPE html>\n<html><body>404 page not found</body></html>', 1, '<!DOCTYPE html>'],
    ['a JSON body', '{"status":"success","data":[]}', 1, '{"status":"success","data":[]}'],
    [
      'a pprof heap page',
      'heap profile: 3: 12288 [90: 368640] @ heap/524288\n',
      1,
      'heap profile: 3: 12288 [90: 368640] @ heap/524288'
    ],
    ['a sample without a value', 'go_goroutines 7\ngo_threads\n', 2, 'go_threads'],
    ['an unclosed label value', 'a{b="c} 1', 1, 'a{b="c} 1'],
    ['a label without quotes', 'a{b=c} 1', 1, 'a{b=c} 1'],
    ['an unknown TYPE', '# TYPE a meter\na 1', 1, '# TYPE a meter'],
    ['a value that is not a number', 'a one', 1, 'a one']
  ])('rejects %s, naming the line', (_, text, line, shown) => {
    expect(() => parseExposition(text)).toThrow(
      new ExpositionError(
        `line ${line} is not Prometheus text: ${JSON.stringify(shown)}; give the URL where the service serves /metrics`
      )
    )
  })

  it('shows at most 60 characters of a long line', () => {
    expect(() => parseExposition(`<p>${'x'.repeat(200)}</p>`)).toThrow(`"<p>${'x'.repeat(57)}…"`)
  })
})
