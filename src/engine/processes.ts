// Every process we start runs in its own process group and is registered here, so
// that success, failure, timeout, Ctrl-C and job cancellation all end it.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { GateError } from '../errors.js'

const live = new Set<number>()
let handlersInstalled = false

/** Process groups are how nothing is left running; Windows has none to signal. */
export function assertSupportedPlatform(platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32')
    throw new GateError(
      'go-memgate runs on Linux and macOS runners; Windows is not supported (use runs-on: ubuntu-latest)'
    )
}

/** Spawns `command` in a new process group and registers the group for cleanup. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  installHandlers()
  const child = spawn(command, args, { ...options, detached: true })
  if (child.pid !== undefined) live.add(child.pid)
  return child
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false // ESRCH: the group is empty
  }
}

function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0 as unknown as NodeJS.Signals)
}

/** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the group is empty. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pgid = child.pid
  if (pgid === undefined) return
  signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(50)
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL')
  while (groupAlive(pgid) && Date.now() < deadline + 2000) await sleep(20)
  live.delete(pgid)
}

/** Ends every group still registered, at once. Safe in an 'exit' handler (synchronous). */
export function killAllGroups(): void {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL')
  live.clear()
}

function installHandlers(): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.once('exit', killAllGroups)
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
