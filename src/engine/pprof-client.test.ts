import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { GateError } from '../errors.js'
import { decodeProfile, ProfileTooLargeError } from '../profile/decode.js'
import { MAX_PROFILE_BYTES, PprofClient } from './pprof-client.js'

const MiB = 1024 * 1024

// A gzip bomb: 1 GiB of zeros in about 1 MiB, as 64 gzip members of 16 MiB each (gunzip reads them all).
const bomb = Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * MiB))))
const chunk = Buffer.alloc(MiB, 'x')

let server: Server
let baseUrl: string
const requests: Record<string, number> = {}
/** Bytes the server got to write before the client hung up. */
let served = 0

/** Writes `chunk` until `total` bytes are written or the client goes away, minding backpressure. */
function stream(res: import('node:http').ServerResponse, total: number): void {
  const next = () => {
    while (served < total && !res.destroyed) {
      served += chunk.length
      if (!res.write(chunk)) return void res.once('drain', next)
    }
    res.end()
  }
  next()
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url!.replace('/debug/pprof/', '')
    requests[path] = (requests[path] ?? 0) + 1
    served = 0
    if (path === 'bomb') return void res.end(bomb)
    if (path === 'small') return void res.end('x'.repeat(1000))
    if (path === 'huge') return stream(res, 1024 * MiB)
    if (path === 'declared') {
      res.writeHead(200, { 'content-length': String(1024 * MiB) })
      return stream(res, 1024 * MiB)
    }
    if (path === 'error') {
      res.writeHead(500)
      res.write('profile failed:\n\u001b[31mboom\u001b[0m\r\n::set-output name=x::1 ')
      return stream(res, 64 * MiB)
    }
    res.writeHead(404).end('404 page not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** The peak resident memory above its level before `run`, read every 10 ms and at the end. */
async function rssGrowthBytes(run: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss()
  const highWaterBefore = process.resourceUsage().maxRSS
  let peak = before
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  // A new high-water mark (KiB) catches a peak inside synchronous code, such as gunzip.
  const highWater = process.resourceUsage().maxRSS
  return Math.max(peak, highWater > highWaterBefore ? highWater * 1024 : 0) - before
}

describe('PprofClient size caps', () => {
  it('defaults to a 256 MiB cap', () => expect(MAX_PROFILE_BYTES).toBe(256 * MiB))

  it('reads a body under the cap', async () => {
    expect((await new PprofClient(baseUrl, 5000).get('small')).toString()).toBe('x'.repeat(1000))
  })

  it('stops a gzip bomb at the decode cap, in little memory', async () => {
    const client = new PprofClient(baseUrl, 5000)
    let error: unknown
    const growth = await rssGrowthBytes(async () => {
      const gz = await client.get('bomb')
      expect(gz.length).toBe(bomb.length)
      error = await Promise.resolve()
        .then(() => decodeProfile(gz, 32 * MiB))
        .catch((e: unknown) => e)
    })
    expect(error).toBeInstanceOf(ProfileTooLargeError)
    expect((error as Error).message).toBe(
      "a profile decompresses to more than 32.0 MiB, the most memgate decodes; raise max-profile-size if the service's profiles are this large"
    )
    expect(growth).toBeLessThan(160 * MiB)
  })

  it('stops reading an endless body at the cap, drops the connection and does not retry', async () => {
    const client = new PprofClient(baseUrl, 10_000, undefined, 16 * MiB)
    let error: unknown
    const growth = await rssGrowthBytes(() => client.get('huge').catch((e: unknown) => (error = e)))
    expect(error).toBeInstanceOf(ProfileTooLargeError)
    expect((error as Error).message).toBe(
      "huge: the response is larger than 16.0 MiB, the most memgate reads; raise max-profile-size if the service's profiles are this large"
    )
    expect(requests.huge).toBe(1)
    // What the sockets buffer, not the gigabyte.
    await new Promise((r) => setTimeout(r, 100))
    expect(served).toBeLessThan(64 * MiB)
    expect(growth).toBeLessThan(96 * MiB)
  })

  it('refuses a body whose Content-Length is over the cap before reading it', async () => {
    const client = new PprofClient(baseUrl, 10_000, undefined, 16 * MiB)
    await expect(client.get('declared')).rejects.toThrow('declared: the response is larger than 16.0 MiB')
    await new Promise((r) => setTimeout(r, 100))
    expect(served).toBeLessThan(16 * MiB)
  })

  it('shows the start of an error page in one line and reads no more of it', async () => {
    const client = new PprofClient(baseUrl, 10_000)
    const error = await client.get('error').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GateError)
    expect(error).not.toBeInstanceOf(ProfileTooLargeError)
    expect((error as Error).message).toMatch(
      /^error: HTTP 500 profile failed: boom ::set-output name=x::1 x+$/
    )
    expect(requests.error).toBe(2)
    await new Promise((r) => setTimeout(r, 100))
    expect(served).toBeLessThan(32 * MiB)
  })
})
