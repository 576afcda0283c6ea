// Reading /metrics: the gauges of real client_golang pages (test/fixtures/metrics), the real
// metrics-clean and metrics-leak services built with `go` and read while they serve, and a
// local endpoint for what a wrong metrics-url gives.
import { jest } from '@jest/globals'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GateError } from '../errors.js'
import { parseExposition } from './exposition.js'
import { freePort } from './free-port.js'
import { MetricsClient, metricsReading, pickSource, readMetrics } from './metrics-client.js'
import { sleep, spawnGroup, stopGroup } from './processes.js'

jest.setTimeout(120_000)

const page = (file: string) => parseExposition(readFileSync(`test/fixtures/metrics/${file}`, 'utf8'))

describe('metricsReading', () => {
  it("takes HeapAlloc from client_golang's default page, and says so", () => {
    expect(metricsReading(page('client-golang-default.txt'))).toEqual({
      liveHeapBytes: 4_311_704,
      goroutines: 6,
      rssBytes: 17_969_152,
      heapSource: 'go_memstats_heap_alloc_bytes'
    })
  })

  it('prefers the live heap the last GC marked, where the runtime metrics are exported', () => {
    expect(metricsReading(page('client-golang-runtime-gc.txt'))).toEqual({
      liveHeapBytes: 999_432,
      goroutines: 6,
      rssBytes: 16_359_424,
      heapSource: 'go_gc_heap_live_bytes'
    })
  })

  it('gives no RSS where the process collector is not registered', () => {
    const withoutProcess = page('client-golang-default.txt').filter((s) => !s.name.startsWith('process_'))
    expect(metricsReading(withoutProcess).rssBytes).toBeNull()
  })

  it.each([
    [
      'the goroutines',
      (name: string) => name === 'go_goroutines',
      "no go_goroutines; serve client_golang's Go collector there (promhttp.Handler() does)"
    ],
    [
      'the heap and the goroutines',
      (name: string) => name.startsWith('go_'),
      "no go_gc_heap_live_bytes or go_memstats_heap_alloc_bytes and no go_goroutines; serve client_golang's Go collector there (promhttp.Handler() does)"
    ],
    ['everything', () => true, "no metrics; give the URL where the service serves client_golang's /metrics"]
  ])('names what is missing when the page lacks %s', (_, drop, message) => {
    const samples = page('client-golang-default.txt').filter((s) => !drop(s.name))
    expect(() => metricsReading(samples)).toThrow(message)
  })

  it('rejects a gauge that is not a count or a size', () => {
    expect(() =>
      metricsReading(parseExposition('go_goroutines NaN\ngo_memstats_heap_alloc_bytes 1'))
    ).toThrow('go_goroutines is NaN, not a count or a size')
  })
})

describe('pickSource', () => {
  it('keeps pprof whenever it answers, and falls back to metrics-url only when it is set', () => {
    expect(pickSource('auto', true, 'http://127.0.0.1:6060/metrics')).toBe('pprof')
    expect(pickSource('auto', false, 'http://127.0.0.1:6060/metrics')).toBe('metrics')
    expect(pickSource('auto', false, null)).toBe('pprof')
    expect(pickSource('metrics', true, 'http://127.0.0.1:6060/metrics')).toBe('metrics')
    expect(pickSource('pprof', false, 'http://127.0.0.1:6060/metrics')).toBe('pprof')
  })
})

describe('readMetrics from the real fixture services', () => {
  const bin = mkdtempSync(join(tmpdir(), 'memgate-metrics-'))
  const started: ChildProcess[] = []
  afterAll(async () => {
    await Promise.all(started.map((child) => stopGroup(child, 1000)))
    rmSync(bin, { recursive: true, force: true })
  })

  /** Builds and starts a fixture, waits for its /metrics; returns its base URL. */
  async function start(fixture: string, env: Record<string, string> = {}): Promise<string> {
    execFileSync('go', ['build', '-o', join(bin, fixture), '.'], {
      cwd: `test/fixtures/services/${fixture}`,
      stdio: 'pipe'
    })
    const base = `http://127.0.0.1:${await freePort()}`
    const child = spawnGroup(join(bin, fixture), [], {
      env: { ...process.env, ...env, ADDR: base.slice('http://'.length) },
      stdio: 'ignore'
    })
    started.push(child)
    for (let tries = 0; tries < 100; tries++) {
      const ok = await fetch(`${base}/metrics`).then(
        (r) => r.ok,
        () => false
      )
      if (ok) return base
      await sleep(100)
    }
    throw new Error(`${fixture} did not serve /metrics`)
  }

  /** `count` requests to "/", 8 at a time. */
  async function drive(base: string, count: number): Promise<void> {
    let left = count
    const worker = async () => {
      while (left-- > 0) {
        const res = await fetch(`${base}/`)
        if (!res.ok) throw new Error(`GET / gave HTTP ${res.status}`)
        await res.arrayBuffer()
      }
    }
    await Promise.all(Array.from({ length: 8 }, worker))
  }

  it('reads HeapAlloc, goroutines and RSS from metrics-clean, which serves no pprof', async () => {
    const base = await start('metrics-clean')
    expect((await fetch(`${base}/debug/pprof/heap?debug=1`)).status).toBe(404)
    await drive(base, 500)
    const reading = await readMetrics(new MetricsClient(`${base}/metrics`, 5000))
    expect(reading.heapSource).toBe('go_memstats_heap_alloc_bytes')
    expect(reading.liveHeapBytes).toBeGreaterThan(500 * 1024)
    expect(reading.goroutines).toBeGreaterThanOrEqual(2)
    expect(reading.rssBytes).toBeGreaterThan(reading.liveHeapBytes)
  })

  it("sees metrics-leak's 256 B a request in the marked live heap, and none in metrics-clean's", async () => {
    const [leak, clean] = await Promise.all([
      start('metrics-leak', { RUNTIME_METRICS: 'gc', ALLOC_BYTES: '16384' }),
      start('metrics-clean', { RUNTIME_METRICS: 'gc', ALLOC_BYTES: '16384' })
    ])
    const growth = async (base: string) => {
      const client = new MetricsClient(`${base}/metrics`, 5000)
      // metrics-clean's bounded cache (2000 entries) fills first.
      await drive(base, 2500)
      const before = await readMetrics(client)
      await drive(base, 4000)
      const after = await readMetrics(client)
      expect([before.heapSource, after.heapSource]).toEqual([
        'go_gc_heap_live_bytes',
        'go_gc_heap_live_bytes'
      ])
      return after.liveHeapBytes - before.liveHeapBytes
    }
    // The marked heap counts what the 8 requests in flight hold at the GC (8 × 16 KiB here;
    // 512 KiB with the fixtures' default 64 KiB of garbage), and trails the last request by
    // the few hundred requests since the last GC: the leak's 4000 × 256 B shows less that.
    const leaked = await growth(leak)
    expect(leaked).toBeGreaterThan(3000 * 256)
    expect(leaked).toBeLessThan(4000 * 256 * 2)
    expect(Math.abs(await growth(clean))).toBeLessThan(256 * 1024)
  })
})

describe('readMetrics from a wrong metrics-url', () => {
  let server: Server
  let base: string
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/html') return void res.end('<!DOCTYPE html>\n<html><body>Grafana</body></html>\n')
      if (req.url === '/pprof') return void res.end('heap profile: 3: 12288 [90: 368640] @ heap/524288\n')
      const auth = `Basic ${Buffer.from('user:s3cr3t').toString('base64')}`
      if (req.url === '/protected' && req.headers.authorization !== auth)
        return void res.writeHead(401).end('Unauthorized\n')
      if (req.url === '/node' || req.url === '/protected')
        return void res.end('# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes 1e6\n')
      res.writeHead(404).end('404 page not found\n')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((resolve) => server.close(resolve)))

  it.each([
    [
      '/html',
      'line 1 is not Prometheus text: "<!DOCTYPE html>"; give the URL where the service serves /metrics'
    ],
    [
      '/pprof',
      'line 1 is not Prometheus text: "heap profile: 3: 12288 [90: 368640] @ heap/524288"; give the URL where the service serves /metrics'
    ],
    [
      '/node',
      "no go_gc_heap_live_bytes or go_memstats_heap_alloc_bytes and no go_goroutines; serve client_golang's Go collector there (promhttp.Handler() does)"
    ],
    ['/missing', 'HTTP 404 404 page not found']
  ])('%s: one line that names metrics-url', async (path, message) => {
    await expect(readMetrics(new MetricsClient(`${base}${path}`, 5000))).rejects.toThrow(
      new GateError(`metrics-url: ${base}${path}: ${message}`)
    )
  })

  it("sends a URL's credentials as basic auth, and never shows them", async () => {
    const host = base.slice('http://'.length)
    const read = (auth: string) => readMetrics(new MetricsClient(`http://${auth}@${host}/protected`, 5000))
    // Past the 401, the page is read: it is Node's, not Go's.
    await expect(read('user:s3cr3t')).rejects.toThrow(`metrics-url: http://***@${host}/protected: no go_gc`)
    await expect(read('user:wrong')).rejects.toThrow(
      new GateError(`metrics-url: http://***@${host}/protected: HTTP 401 Unauthorized`)
    )
  })

  it('says that nothing answers, without the credentials of the URL', async () => {
    const url = `http://user:secret@127.0.0.1:${await freePort()}/metrics`
    const error = await readMetrics(new MetricsClient(url, 5000)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect((error as Error).message).toMatch(
      /^metrics-url: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/metrics: no answer \(.*ECONNREFUSED.*\)$/
    )
  })
})
