// A Redis from Debian (redis-server) on a free loopback port, in a temp dir, for the benches
// whose fixtures talk to one; always stopped, its dir removed.
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import { sleep, spawnGroup, stopGroup } from '../src/engine/processes.js'

/** Whether something accepts connections on 127.0.0.1:port now. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const answer = (yes: boolean) => {
      socket.destroy()
      resolve(yes)
    }
    socket.once('connect', () => answer(true))
    socket.once('error', () => answer(false))
    socket.setTimeout(1000, () => answer(false))
  })

/** Runs `work` with a Redis listening on the address it is given. */
export async function withRedis<T>(work: (addr: string) => Promise<T>): Promise<T> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'memgate-redis-'))
  const redis = spawnGroup(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' }
  )
  try {
    for (let tries = 0; !(await accepts(port)); tries++) {
      if (tries >= 100 || redis.exitCode !== null)
        throw new Error('redis-server did not start (is it installed?)')
      await sleep(100)
    }
    return await work(`127.0.0.1:${port}`)
  } finally {
    await stopGroup(redis)
    rmSync(dir, { recursive: true, force: true })
  }
}
