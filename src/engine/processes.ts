// Every process we start runs in its own process group and is registered here, so
// that success, failure, timeout, Ctrl-C and job cancellation all end it. A process that
// leaves its group (setsid, a daemon's double fork) is found too: through the parent links
// in /proc while its parent lives, and by the MEMGATE_GROUP variable it inherits once it is
// orphaned. A watchdog ends them all when memgate itself dies, even by SIGKILL.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { GateError } from '../errors.js'

/** Set in the environment of every group we start: how its processes are found after they leave it. */
export const GROUP_VAR = 'MEMGATE_GROUP'

/** The runner's own credentials: the build, the service and the load have no use for them. */
export const RUNNER_SECRETS = [
  'INPUT_GITHUB-TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN'
]

// This memgate's mark; a group's tag is `${owner}.${n}`. The random part keeps a reused pid apart.
const owner = `${process.pid}-${randomBytes(4).toString('hex')}`
let groups = 0
/** Live process groups: pgid -> tag. */
const live = new Map<number, string>()
let handlersInstalled = false

/** Process groups are how nothing is left running; Windows has none to signal. */
export function assertSupportedPlatform(platform: NodeJS.Platform = process.platform): void {
  if (platform === 'win32')
    throw new GateError(
      'go-memgate runs on Linux and macOS runners; Windows is not supported (use runs-on: ubuntu-latest)'
    )
}

/** Spawns `command` in a new process group, without the runner's credentials, and registers the group for cleanup. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  installHandlers()
  if (watchdog === undefined) watchdog = startWatchdog()
  const tag = `${owner}.${++groups}`
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), [GROUP_VAR]: tag }
  for (const name of RUNNER_SECRETS) delete env[name]
  const child = spawn(command, args, { ...options, env, detached: true })
  if (child.pid !== undefined) {
    live.set(child.pid, tag)
    tellWatchdog(`add ${child.pid}`)
  }
  return child
}

/** One line of /proc/<pid>/stat, the fields we use. */
export interface ProcessEntry {
  pid: number
  ppid: number
  pgid: number
  /** R, S, D, Z (zombie), X (dead), ... */
  state: string
  /** Start time since boot: with the pid, tells a process from a later one that reuses its pid. */
  startTicks: number
}

export function parseStat(text: string): ProcessEntry {
  // The command name (field 2) is in parentheses and may hold spaces and ")": fields resume after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return {
    pid: parseInt(text, 10),
    state: fields[0],
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTicks: Number(fields[19])
  }
}

/** Every process below `root` by parent links, `root` itself left out. */
export function descendantsOf(root: number, processes: readonly ProcessEntry[]): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>()
  for (const p of processes) {
    const siblings = children.get(p.ppid)
    if (siblings) siblings.push(p)
    else children.set(p.ppid, [p])
  }
  const found: ProcessEntry[] = []
  const queue = [root]
  while (queue.length > 0)
    for (const child of children.get(queue.pop()!) ?? []) {
      found.push(child)
      queue.push(child.pid)
    }
  return found
}

function readStat(pid: number): ProcessEntry | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null // gone, or no /proc (macOS): the group signal still reaches the group
  }
}

/** When `pid` started (clock ticks since boot); null when it is gone, or without /proc (macOS). */
export function startOf(pid: number): number | null {
  return readStat(pid)?.startTicks ?? null
}

function readProcesses(): ProcessEntry[] {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return []
  }
  return pids.map((pid) => readStat(Number(pid))).filter((p) => p !== null)
}

function hasTag(pid: number, tag: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(`\0${GROUP_VAR}=${tag}\0`)
  } catch {
    return false // gone, or another user's
  }
}

/**
 * The processes of a group as we started it: those still in it, those below its leader, and
 * those that carry its tag (orphans that left it). Read before any signal, while parents live.
 */
function membersOf(pgid: number, tag: string | undefined): ProcessEntry[] {
  const all = readProcesses()
  const below = new Set(descendantsOf(pgid, all).map((p) => p.pid))
  return all.filter(
    (p) => p.pid !== process.pid && (p.pgid === pgid || below.has(p.pid) || (tag && hasTag(p.pid, tag)))
  )
}

/** The pids of a group we started, and of those that left it (see membersOf). */
export function groupMembers(pgid: number): number[] {
  return membersOf(pgid, live.get(pgid)).map((p) => p.pid)
}

/** Alive and still the same process: a pid reused since is not ours. */
function isAlive(p: ProcessEntry): boolean {
  const now = readStat(p.pid)
  return now !== null && now.startTicks === p.startTicks && !isDead(now)
}

function signalProcesses(processes: readonly ProcessEntry[], signal: NodeJS.Signals): void {
  for (const p of processes) if (isAlive(p)) signalPid(p.pid, signal)
}

function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal)
    return true
  } catch {
    return false // ESRCH: gone (for a group: empty)
  }
}

/** Whether a process of the group still runs. A zombie does not: a container's init may reap it late. */
function groupAlive(pgid: number): boolean {
  if (!signalPid(-pgid, 0)) return false
  const all = readProcesses()
  return all.length === 0 || all.some((p) => p.pgid === pgid && !isDead(p))
}

const isDead = (p: ProcessEntry): boolean => p.state === 'Z' || p.state === 'X'

/** SIGTERM to the whole group and whatever left it, SIGKILL after `graceMs`; resolves when all are gone. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pgid = child.pid
  if (pgid === undefined) return
  const tag = live.get(pgid)
  let members = membersOf(pgid, tag)
  const anyAlive = () => groupAlive(pgid) || members.some(isAlive)
  signalPid(-pgid, 'SIGTERM')
  signalProcesses(members, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (anyAlive() && Date.now() < deadline) await sleep(50)
  // Those started during the grace period too.
  members = [...members, ...membersOf(pgid, tag)]
  signalPid(-pgid, 'SIGKILL')
  signalProcesses(members, 'SIGKILL')
  while (anyAlive() && Date.now() < deadline + 2000) await sleep(20)
  live.delete(pgid)
  tellWatchdog(`del ${pgid}`)
  await releaseOutput(child)
}

/**
 * How a process ended, once its output is read: 'close' comes when the pipes are drained
 * too (the last lines are often a panic). A process it started that is not ours (it left
 * the group and dropped its tag) may hold the pipes for ever: then a moment after 'exit'.
 */
export async function exitOf(
  child: ChildProcess
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null]
  await drained(child, 500)
  return { code, signal }
}

const drained = (child: ChildProcess, ms: number): Promise<unknown> => {
  const open = [child.stdout, child.stderr].filter((s) => s !== null && !s.closed)
  return Promise.race([Promise.all(open.map((s) => once(s!, 'close'))), sleep(ms)])
}

/** Stops reading the output of a process that is gone: pipes another process holds would keep memgate running. */
async function releaseOutput(child: ChildProcess): Promise<void> {
  await drained(child, 200)
  child.stdout?.destroy()
  child.stderr?.destroy()
}

/** Ends every group still registered, at once. Safe in an 'exit' handler (synchronous). */
export function killAllGroups(): void {
  for (const [pgid, tag] of live) {
    const members = membersOf(pgid, tag)
    signalPid(-pgid, 'SIGKILL')
    signalProcesses(members, 'SIGKILL')
  }
  live.clear()
}

function installHandlers(): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.once('exit', killAllGroups)
}

// The watchdog: a shell in its own group that reads "add <pgid>" and "del <pgid>" lines on its
// stdin. Its stdin is a pipe whose only writer is memgate, so it reads end-of-file the moment
// memgate is gone, however it died; it then kills the groups still registered and, on Linux,
// every process carrying this memgate's tag. It ignores the signals a Ctrl-C or a runner's
// cancellation sends, which reach memgate and are handled there.
const WATCHDOG_SCRIPT = `
trap '' INT TERM HUP
groups=
while read -r verb pgid; do
  case $verb in
    add) groups="$groups $pgid" ;;
    del) left=; for g in $groups; do [ "$g" = "$pgid" ] || left="$left $g"; done; groups=$left ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
for f in $(grep -lsz "^${GROUP_VAR}=$1\\." /proc/[0-9]*/environ); do
  p=\${f#/proc/}; kill -s KILL "\${p%/environ}" 2>/dev/null
done
`

// undefined: not started yet; null: could not be started (no sh), and groups are then ended by memgate only.
let watchdog: Socket | null | undefined

function tellWatchdog(line: string): void {
  watchdog?.write(`${line}\n`)
}

function startWatchdog(): Socket | null {
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'memgate-watchdog', owner], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore']
  })
  child.on('error', () => (watchdog = null))
  // Neither the watchdog nor its pipe keeps memgate running.
  child.unref()
  const stdin = child.stdin as Socket | null
  stdin?.unref()
  stdin?.on('error', () => (watchdog = null))
  return stdin
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
