import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { assertOwnEndpoint, assertPortFree, portAnswers } from './identity.js'

/** A local stand-in for net/http/pprof that serves `cmdline` as given (null: 404). */
async function pprofServing(cmdline: string | null): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/debug/pprof/cmdline' && cmdline !== null) res.end(cmdline)
    else res.writeHead(404).end('404 page not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/debug/pprof`, server }
}

const closeServer = (server: Server) => new Promise((resolve) => server.close(resolve))
const ownArgv = readFileSync(`/proc/${process.pid}/cmdline`, 'utf8').replace(/\0$/, '')

describe('portAnswers and assertPortFree', () => {
  it('tell a taken port from a free one', async () => {
    const { url, server } = await pprofServing(null)
    expect(await portAnswers(url)).toBe(true)
    await expect(assertPortFree('pprof-url', url)).rejects.toThrow(
      `pprof-url: another process answers at ${url} before the service is started; stop it, or give the service and pprof-url a free port`
    )
    await closeServer(server)
    expect(await portAnswers(url)).toBe(false)
    await expect(assertPortFree('pprof-url', url)).resolves.toBeUndefined()
  })
})

describe('assertOwnEndpoint', () => {
  const servers: Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer))
  })
  const serving = async (cmdline: string | null) => {
    const s = await pprofServing(cmdline)
    servers.push(s.server)
    return s.url
  }
  const built = { binaryPath: '/tmp/memgate-bin-x/service', startCommand: null, pids: () => [] }

  it('accepts the built binary serving its own endpoint', async () => {
    const url = await serving('/tmp/memgate-bin-x/service')
    await expect(assertOwnEndpoint(url, built, '')).resolves.toBeUndefined()
  })

  it('refuses another program in one line, with the service output beneath', async () => {
    const url = await serving('/usr/local/bin/other-service\0-port\x006060')
    const error = await assertOwnEndpoint(url, built, 'listen tcp: bind: address already in use').catch(
      (e: unknown) => e
    )
    expect(error).toMatchObject({
      message: `pprof-url: another process answers at ${url} (/usr/local/bin/other-service), not the service memgate started; stop it, or give the service and pprof-url a free port`,
      detail: 'listen tcp: bind: address already in use'
    })
  })

  it('with a start-command, accepts the command line of a process it started and no other', async () => {
    const started = { ...built, startCommand: 'exec $MEMGATE_BINARY', pids: () => [process.pid] }
    await expect(assertOwnEndpoint(await serving(ownArgv), started, '')).resolves.toBeUndefined()
    await expect(assertOwnEndpoint(await serving(`${ownArgv}\0--extra`), started, '')).rejects.toThrow(
      /^pprof-url: another process answers at/
    )
  })

  it('trusts an endpoint without the cmdline handler: nothing to compare', async () => {
    await expect(assertOwnEndpoint(await serving(null), built, '')).resolves.toBeUndefined()
  })
})
