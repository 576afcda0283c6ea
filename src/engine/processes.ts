// Every process we start runs in its own process group and is registered here, so
// that success, failure, timeout, Ctrl-C and job cancellation all end it. A process that
// leaves its group (setsid, a daemon's double fork, `env -i`, its parent gone at once) is
// found too. Where memgate may make a cgroup v2 (root, or a delegated subtree: the VM these
// tests were written on, root with cgroup v2 at /sys/fs/cgroup/unified), each group is
// started in a cgroup of its own, which no descendant can leave, and ended as one. Elsewhere
// (a GitHub runner's user may not), /proc is read every RECORD_MS while the group lives and
// every process below it is recorded with its start time, so that an orphan is known after
// its parent is gone; a child whose parent dies within one poll escapes that, unless it kept
// the MEMGATE_GROUP variable. A watchdog ends them all when memgate itself dies, even by SIGKILL.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import { GateError } from '../errors.js'

/** Set in the environment of every group we start: how its processes are found after they leave it. */
export const GROUP_VAR = 'MEMGATE_GROUP'

/**
 * What no child inherits from memgate. The runner's file commands: a line written there sets
 * an output, a variable or PATH for the job's later steps. Its tokens and the service URLs they
 * open (artifacts, cache, OIDC). Every action input (INPUT_GITHUB-TOKEN among them): what
 * the service needs comes through the `env` input. NODE_OPTIONS stays: the runner does not
 * set it, and it is no channel to later steps.
 */
const WITHHELD_ENV = {
  names: new Set([
    'GITHUB_OUTPUT',
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_TOKEN',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_RUNTIME_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_CACHE_URL',
    'ACTIONS_CACHE_SERVICE_V2',
    'ACTIONS_RESULTS_URL'
  ]),
  prefixes: ['INPUT_']
}

/** `env` without what WITHHELD_ENV names: the environment of every process memgate starts. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !WITHHELD_ENV.names.has(name) && !WITHHELD_ENV.prefixes.some((p) => name.startsWith(p))
    )
  )
}

// This memgate's mark; a group's tag is `${owner}.${n}`. The random part keeps a reused pid apart.
const owner = `${process.pid}-${randomBytes(4).toString('hex')}`
let groups = 0

/** A live group: its tag, its cgroup when one could be made, else its processes as recorded while they lived. */
interface Group {
  tag: string
  cgroup: string | null
  /** pid -> start time (see recordMembers). */
  recorded: Map<number, number>
  /** The process groups of recorded processes that left the group, told to the watchdog. */
  escaped: Set<number>
}

/** Live process groups, by pgid. */
const live = new Map<number, Group>()
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
  if (cgroups === undefined) cgroups = makeCgroups()
  if (watchdog === undefined) watchdog = startWatchdog(cgroups?.parent ?? '')
  const n = ++groups
  const tag = `${owner}.${n}`
  const env = { ...childEnv(options.env ?? process.env), [GROUP_VAR]: tag }
  // A child starts in its parent's cgroup: memgate joins the group's for the spawn, which is synchronous.
  let cgroup = cgroups ? joinNewCgroup(cgroups, n) : null
  let child: ChildProcess
  try {
    child = spawn(command, args, { ...options, env, detached: true })
  } finally {
    // Never end a cgroup memgate is still in.
    if (cgroup && !joinCgroup(cgroups!.home)) [cgroups, cgroup] = [null, null]
  }
  if (child.pid === undefined) {
    if (cgroup) removeCgroup(cgroup)
    return child
  }
  live.set(child.pid, { tag, cgroup, recorded: new Map(), escaped: new Set() })
  tellWatchdog(`add ${child.pid}`)
  if (!cgroup) recorder ??= setInterval(record, RECORD_MS).unref()
  return child
}

/** This process's cgroup v2 folder, from /proc/self/mountinfo and /proc/self/cgroup; null without cgroup v2. */
export function cgroupDir(mountinfo: string, cgroup: string): string | null {
  const path = /^0::(\/\S*)$/m.exec(cgroup)?.[1]
  const mount = mountinfo
    .split('\n')
    .map((line) => line.split(' '))
    .find((fields) => fields[fields.indexOf('-') + 1] === 'cgroup2')
  if (!path || !mount) return null
  const [root, point] = [mount[3], mount[4]]
  if (root === '/') return resolve(point, `.${path}`)
  return path === root || path.startsWith(`${root}/`) ? resolve(point, `.${path.slice(root.length)}`) : null
}

/** memgate's own cgroup, and the one made below it for this memgate's groups. */
interface Cgroups {
  home: string
  parent: string
}

// undefined: not tried yet; null: none can be made here.
let cgroups: Cgroups | null | undefined

function makeCgroups(): Cgroups | null {
  try {
    const home = cgroupDir(
      readFileSync('/proc/self/mountinfo', 'utf8'),
      readFileSync('/proc/self/cgroup', 'utf8')
    )
    if (home === null) return null
    const parent = `${home}/memgate-${owner}`
    mkdirSync(parent)
    return { home, parent }
  } catch {
    return null // no cgroup v2, or not ours to write (EACCES, EROFS)
  }
}

/** A new cgroup for group `n`, memgate moved into it; null when either fails. */
function joinNewCgroup(cgroups: Cgroups, n: number): string | null {
  const cgroup = `${cgroups.parent}/${n}`
  try {
    mkdirSync(cgroup)
  } catch {
    return null
  }
  if (joinCgroup(cgroup)) return cgroup
  removeCgroup(cgroup)
  return null
}

function joinCgroup(cgroup: string): boolean {
  try {
    writeFileSync(`${cgroup}/cgroup.procs`, String(process.pid))
    return true
  } catch {
    return false
  }
}

function cgroupPids(cgroup: string): number[] {
  try {
    return readFileSync(`${cgroup}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** cgroup.kill (Linux 5.14+) ends every process in it at once, those forking meanwhile too. */
function killCgroup(cgroup: string): void {
  try {
    writeFileSync(`${cgroup}/cgroup.kill`, '1')
  } catch {
    // an older kernel: its processes are signalled one by one with the group's
  }
}

function removeCgroup(cgroup: string): void {
  try {
    rmdirSync(cgroup)
  } catch {
    // a zombie not yet reaped holds it: the watchdog removes it when memgate exits
  }
}

/** How often the processes of a group without a cgroup are recorded: 150 ms of a parent's life make its orphans ours. */
const RECORD_MS = 150
let recorder: NodeJS.Timeout | undefined

function record(): void {
  const watched = [...live].filter(([, group]) => group.cgroup === null)
  if (watched.length === 0) {
    clearInterval(recorder)
    recorder = undefined
    return
  }
  const table = readProcesses()
  for (const [pgid, group] of watched) {
    group.recorded = recordMembers(group.recorded, table, pgid)
    const escaped = new Set(
      table.filter((p) => group.recorded.has(p.pid) && p.pgid !== pgid).map((p) => p.pgid)
    )
    tellEscaped(group, escaped)
  }
}

/** The watchdog ends the groups that recorded processes made (setsid) too; told as soon as they are gone, so no reused pgid is ended. */
function tellEscaped(group: Group, escaped: ReadonlySet<number>): void {
  for (const pgid of escaped) if (!group.escaped.has(pgid)) tellWatchdog(`add ${pgid}`)
  for (const pgid of group.escaped) if (!escaped.has(pgid)) tellWatchdog(`del ${pgid}`)
  group.escaped = new Set(escaped)
}

/**
 * A group's processes as recorded (pid -> start time), brought up to date with `table`: those
 * recorded that still run as the same process (a reused pid is another), those in the process
 * group, and every process below one of them. An orphan stays: it was seen below the group.
 */
export function recordMembers(
  recorded: ReadonlyMap<number, number>,
  table: readonly ProcessEntry[],
  pgid: number
): Map<number, number> {
  const running = table.filter((p) => !isDead(p))
  const roots = running.filter((p) => p.pgid === pgid || recorded.get(p.pid) === p.startTicks)
  const found = [
    ...roots,
    ...descendantsOf(
      roots.map((p) => p.pid),
      running
    )
  ]
  return new Map(found.map((p) => [p.pid, p.startTicks]))
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

/** Every process below `roots` by parent links, the roots themselves left out. */
export function descendantsOf(roots: readonly number[], processes: readonly ProcessEntry[]): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>()
  for (const p of processes) {
    const siblings = children.get(p.ppid)
    if (siblings) siblings.push(p)
    else children.set(p.ppid, [p])
  }
  const found: ProcessEntry[] = []
  const queue = [...roots]
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
 * The processes of a group as we started it: those in its cgroup, those still in its process
 * group, those below them or recorded below them, and those that carry its tag (orphans that
 * left it). Read before any signal, while parents live.
 */
function membersOf(pgid: number, group: Group | undefined): ProcessEntry[] {
  const all = readProcesses()
  const ours = recordMembers(group?.recorded ?? new Map(), all, pgid)
  const inCgroup = new Set(group?.cgroup ? cgroupPids(group.cgroup) : [])
  return all.filter(
    (p) =>
      p.pid !== process.pid &&
      (ours.has(p.pid) || inCgroup.has(p.pid) || (group !== undefined && hasTag(p.pid, group.tag)))
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

/** Whether a process of the cgroup still runs (a zombie is listed until it is reaped). */
function cgroupAlive(cgroup: string | null): boolean {
  return cgroup !== null && cgroupPids(cgroup).some((pid) => isRunning(readStat(pid)))
}

const isRunning = (p: ProcessEntry | null): boolean => p !== null && !isDead(p)

/** SIGKILL to the group, its cgroup and its members: synchronous, for an 'exit' handler too. */
function killGroup(pgid: number, group: Group | undefined, members: readonly ProcessEntry[]): void {
  if (group?.cgroup) killCgroup(group.cgroup)
  signalPid(-pgid, 'SIGKILL')
  signalProcesses(members, 'SIGKILL')
}

/** SIGTERM to the whole group and whatever left it, SIGKILL after `graceMs`; resolves when all are gone. */
export async function stopGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pgid = child.pid
  if (pgid === undefined) return
  const group = live.get(pgid)
  let members = membersOf(pgid, group)
  const anyAlive = () => groupAlive(pgid) || members.some(isAlive) || cgroupAlive(group?.cgroup ?? null)
  signalPid(-pgid, 'SIGTERM')
  signalProcesses(members, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (anyAlive() && Date.now() < deadline) await sleep(50)
  // Those started during the grace period too.
  members = [...members, ...membersOf(pgid, group)]
  killGroup(pgid, group, members)
  while (anyAlive() && Date.now() < deadline + 2000) await sleep(20)
  live.delete(pgid)
  if (group?.cgroup) removeCgroup(group.cgroup)
  if (group) tellEscaped(group, new Set())
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
  for (const [pgid, group] of live) killGroup(pgid, group, membersOf(pgid, group))
  live.clear()
}

function installHandlers(): void {
  if (handlersInstalled) return
  handlersInstalled = true
  process.once('exit', killAllGroups)
}

// The watchdog: a shell in its own group that reads "add <pgid>" and "del <pgid>" lines on its
// stdin. Its stdin is a pipe whose only writer is memgate, so it reads end-of-file the moment
// memgate is gone, however it died; it then kills the groups still registered, every process
// in this memgate's cgroups ($2, when it has them; they are removed) and, on Linux, every
// process carrying this memgate's tag. It ignores the signals a Ctrl-C or a runner's
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
[ -n "$2" ] || exit 0
echo 1 > "$2/cgroup.kill" 2>/dev/null
kill -s KILL $(cat "$2"/[0-9]*/cgroup.procs 2>/dev/null) 2>/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
  rmdir "$2"/[0-9]*/ 2>/dev/null; rmdir "$2" 2>/dev/null && break; sleep 0.2
done
`

// undefined: not started yet; null: could not be started (no sh), and groups are then ended by memgate only.
let watchdog: Socket | null | undefined

function tellWatchdog(line: string): void {
  watchdog?.write(`${line}\n`)
}

function startWatchdog(cgroupParent: string): Socket | null {
  // Its /proc/<pid>/environ is readable by the service, as memgate's is: no token in it.
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'memgate-watchdog', owner, cgroupParent], {
    env: childEnv(process.env),
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
