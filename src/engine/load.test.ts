import { createServer, type Server } from 'node:http'
import { freePort } from './free-port.js'
import type { GeneratorCounts } from './load-generator.js'
import { earlyLoadFailure, startLoad, type LoadRequest } from './load.js'

const URL = 'http://127.0.0.1:8080/x'
const counts = (settled: number, errorsByKind: Record<string, number>): GeneratorCounts => {
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0)
  return {
    responses: settled,
    errors,
    firstError: Object.keys(errorsByKind)[0] ?? null,
    settled,
    errorsByKind
  }
}

describe('earlyLoadFailure', () => {
  it('names target-url and what most of the first requests got', () => {
    expect(earlyLoadFailure(URL, counts(190, { 'HTTP 404': 180, 'HTTP 500': 4 }), 2.1)).toBe(
      'target-url: http://127.0.0.1:8080/x answered HTTP 404 to 180 of 190 requests in the first 2s; point target-url at an endpoint of the service'
    )
    expect(earlyLoadFailure(URL, counts(12, { ECONNREFUSED: 12 }), 2)).toBe(
      'target-url: http://127.0.0.1:8080/x failed with ECONNREFUSED on 12 of 12 requests in the first 2s; point target-url at an endpoint of the service'
    )
  })

  it('lets the load go on when at most half of the requests failed', () => {
    expect(earlyLoadFailure(URL, counts(200, { 'HTTP 503': 100 }), 2)).toBeNull()
    expect(earlyLoadFailure(URL, counts(200, {}), 2)).toBeNull()
  })
})

describe('startLoad with the built-in load', () => {
  const servers: Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
  })
  const request = (port: number): LoadRequest => ({
    loadCommand: null,
    targetUrl: `http://127.0.0.1:${port}/api`,
    ratePerSec: 20,
    connections: 1,
    durationSec: 5,
    cwd: '.',
    logPath: '/dev/null'
  })
  const service = (readyInMs: number) => ({
    readyBy: Date.now() + readyInMs,
    hasExited: () => false,
    exited: new Promise<string>(() => {}),
    output: { text: () => 'api listening on 127.0.0.1:9' }
  })
  const ctx = (lines: string[]) => ({ redact: (t: string) => t, log: (l: string) => lines.push(l) })

  it('waits for a target-url that starts listening after pprof, then loads it', async () => {
    const port = await freePort()
    const server = createServer((_req, res) => res.end('ok'))
    servers.push(server)
    setTimeout(() => server.listen(port, '127.0.0.1'), 600)
    const lines: string[] = []
    const load = await startLoad(request(port), ctx(lines), service(10_000))
    expect(server.listening).toBe(true)
    expect(lines).toEqual([
      `waiting for target-url http://127.0.0.1:${port}/api (nothing listens on 127.0.0.1:${port} yet)`
    ])
    const stats = await load.stop()
    expect(stats).toMatchObject({ kind: 'built-in', errors: 0 })
  })

  it('says in words when target-url never answers within ready-timeout', async () => {
    const port = await freePort()
    const error = await startLoad(request(port), ctx([]), service(300)).catch((e: unknown) => e)
    expect(error).toMatchObject({
      message: `target-url: nothing listens on 127.0.0.1:${port} within ready-timeout, though pprof answered; point target-url at the service's API, or raise ready-timeout`,
      detail: 'api listening on 127.0.0.1:9'
    })
  })
})
