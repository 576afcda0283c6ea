// A hostile service, build or load against the engine, with real processes: what it starts
// may change session, clear its environment and be orphaned at once (`setsid env -i … &` in
// a subshell), and must still be ended with the rest.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { cgroupDir, spawnGroup, stopGroup } from '../src/engine/processes.js'
import { killSleeps, sleeping, sleeps, waitFor } from './helpers/sleeps.js'

afterEach(killSleeps)

/** A start command whose child leaves the group, the session and the environment, its parent gone after `parentLingers` s. */
const escaping = (escaped: number, leader: number, parentLingers = 0) =>
  `(setsid env -i sleep ${escaped} & sleep ${parentLingers}); exec sleep ${leader}`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'memgate-hostile-'))
  chmodSync(dir, 0o755) // read by a memgate that runs as nobody, below
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A memgate process running `body` (processes.ts imported), started as `user` (argv prefix); resolves once it prints. */
async function memgate(body: string, user: string[] = []) {
  const script = join(dir, 'memgate.mts')
  writeFileSync(
    script,
    `import { spawnGroup, stopGroup } from ${JSON.stringify(resolve('src/engine/processes.ts'))}
${body}
setInterval(() => {}, 1000)
`
  )
  chmodSync(script, 0o644)
  const [command, ...args] = [...user, process.execPath, '--import', 'tsx', script]
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: resolve('.') })
  await once(child.stdout, 'data')
  return child
}

/** Whether this process may make a cgroup v2 (root, or a delegated subtree), as processes.ts will try. */
function cgroupsHere(): boolean {
  try {
    const home = cgroupDir(
      readFileSync('/proc/self/mountinfo', 'utf8'),
      readFileSync('/proc/self/cgroup', 'utf8')
    )
    if (home === null) return false
    rmdirSync(mkdtempSync(`${home}/memgate-probe-`))
    return true
  } catch {
    return false
  }
}

describe('a child that leaves the group, the session and the environment', () => {
  it('is ended by stopGroup when its parent exits at once, where a cgroup can be made', async () => {
    if (!cgroupsHere()) return console.warn('no cgroup can be made here: not tested')
    const [escaped, leader] = sleeps(2)
    const child = spawnGroup('sh', ['-c', escaping(escaped, leader)], { stdio: 'ignore' })
    const p = await waitFor('the escaped sleep', () => sleeping(escaped)[0])
    expect(p.ppid).not.toBe(child.pid)
    expect(p.pgid).not.toBe(child.pid)
    await stopGroup(child, 300)
    expect(sleeping(escaped)).toEqual([])
    expect(sleeping(leader)).toEqual([])
  })
})

// A GitHub runner's user may not make a cgroup: there the group's processes are recorded while
// they live, and a child whose parent lived one poll is found by it after it is orphaned. Root
// here runs that memgate as nobody.
const WITHOUT_CGROUP =
  process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : []

describe.each([
  ['this memgate', []],
  ['a memgate that may not make a cgroup', WITHOUT_CGROUP]
])('a child that leaves the group, in %s', (_, user) => {
  /** A memgate that starts the escaping child (its parent lingers 0.5 s), says so a second later, and stops it when told. */
  const escapingRun = (escaped: number, leader: number) =>
    memgate(
      `const child = spawnGroup('sh', ['-c', '${escaping(escaped, leader, 0.5)}'], { stdio: 'ignore' })
await new Promise((r) => setTimeout(r, 1000))
console.log('started')
await new Promise((r) => process.stdin.once('data', r))
await stopGroup(child, 300)
console.log('stopped')`,
      user
    )

  it('is ended by stopGroup', async () => {
    const [escaped, leader] = sleeps(2)
    const run = await escapingRun(escaped, leader)
    try {
      expect(sleeping(escaped)).toHaveLength(1)
      run.stdin!.write('stop\n')
      await once(run.stdout!, 'data')
      expect(sleeping(escaped)).toEqual([])
      expect(sleeping(leader)).toEqual([])
    } finally {
      run.kill('SIGKILL')
    }
  }, 20_000)

  it('is ended when memgate is killed by SIGKILL', async () => {
    const [escaped, leader] = sleeps(2)
    const run = await escapingRun(escaped, leader)
    try {
      expect(sleeping(escaped)).toHaveLength(1)
      run.kill('SIGKILL')
      await waitFor('nothing left', () =>
        sleeping(escaped).length + sleeping(leader).length ? undefined : true
      )
    } finally {
      run.kill('SIGKILL')
    }
  }, 20_000)
})
