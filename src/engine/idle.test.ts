// The idle stretch against endpoints that fail each way: the check is left unmade (null),
// never an internal error, so that the run goes on to say what is wrong in its own words.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { freePort } from './free-port.js'
import { measureIdle } from './idle.js'

async function serving(
  answer: (url: string, res: import('node:http').ServerResponse) => void
): Promise<Server> {
  const server = createServer((req, res) => answer(req.url ?? '', res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

const pprofUrl = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/debug/pprof`

describe('measureIdle', () => {
  it('is null when nothing listens', async () => {
    expect(await measureIdle(`http://127.0.0.1:${await freePort()}/debug/pprof`, [])).toBeNull()
  })

  it('is null when the heap profile is not one, or is cut short', async () => {
    const garbage = await serving((_url, res) => res.end('not a profile'))
    const cut = await serving((_url, res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('partial')
      res.destroy()
    })
    try {
      expect(await measureIdle(pprofUrl(garbage), [])).toBeNull()
      expect(await measureIdle(pprofUrl(cut), [])).toBeNull()
    } finally {
      garbage.close()
      cut.close()
    }
  })

  it('says the run was cancelled when it was', async () => {
    const controller = new AbortController()
    const hanging = await serving(() => controller.abort())
    try {
      await expect(measureIdle(pprofUrl(hanging), [], controller.signal)).rejects.toThrow(
        'cancelled before the load started'
      )
    } finally {
      hanging.closeAllConnections()
      hanging.close()
    }
  })
})
