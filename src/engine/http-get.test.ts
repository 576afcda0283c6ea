// httpGet against a local server that answers late or never; the caps are tested through
// PprofClient (pprof-client.test.ts) and MetricsClient.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { httpGet } from './http-get.js'

let server: Server
let base: string
const connections = new Set<import('node:net').Socket>()

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/never') return // holds the request open
    if (req.url === '/moved') return void res.writeHead(301, { location: '/' }).end('moved')
    res.end(`connection: ${req.headers.connection}`)
  })
  server.on('connection', (s) => connections.add(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  for (const s of connections) s.destroy()
  server.close()
})

describe('httpGet', () => {
  it('reads a body over a connection of its own, closed after', async () => {
    const res = await httpGet(`${base}/`, { timeoutMs: 2000, maxBytes: 1024 })
    expect(res).toEqual({ status: 200, ok: true, bytes: Buffer.from('connection: close'), cut: false })
  })

  it('gives up after the deadline, with a line that says so', async () => {
    const started = Date.now()
    await expect(httpGet(`${base}/never`, { timeoutMs: 200, maxBytes: 1024 })).rejects.toThrow(
      'no answer within 200 ms (timeout)'
    )
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('stops when the signal aborts, and does not start when it has', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('cancelled')), 100)
    const opts = { timeoutMs: 5000, maxBytes: 1024, signal: controller.signal }
    await expect(httpGet(`${base}/never`, opts)).rejects.toThrow('cancelled')
    await expect(httpGet(`${base}/`, opts)).rejects.toThrow('cancelled')
  })

  it('follows no redirect: the status is the answer', async () => {
    const res = await httpGet(`${base}/moved`, { timeoutMs: 2000, maxBytes: 1024 })
    expect(res.status).toBe(301)
    expect(res.bytes.toString()).toBe('moved')
  })
})
