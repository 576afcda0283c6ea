import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import {
  assertSupportedPlatform,
  cgroupDir,
  descendantsOf,
  GROUP_VAR,
  parseStat,
  recordMembers,
  childEnv,
  spawnGroup,
  stopGroup,
  type ProcessEntry
} from './processes.js'
import { killSleeps, sleeping, sleeps, waitFor } from '../../test/helpers/sleeps.js'

function table(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((pid) => {
      try {
        return [parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))]
      } catch {
        return [] // gone meanwhile
      }
    })
}

/** The running processes of a group. Zombies are not: this machine's init may reap them late. */
const inGroup = (pgid: number) => table().filter((p) => p.pgid === pgid && p.state !== 'Z')

/** The watchdog a memgate process started. */
function watchdogOf(memgatePid: number): ProcessEntry | undefined {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((pid) => {
      try {
        const p = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
        const isWatchdog = readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('\0memgate-watchdog\0')
        return p.ppid === memgatePid && isWatchdog ? [p] : []
      } catch {
        return []
      }
    })[0]
}

function isRunning(p: ProcessEntry): boolean {
  try {
    const now = parseStat(readFileSync(`/proc/${p.pid}/stat`, 'utf8'))
    return now.startTicks === p.startTicks && now.state !== 'Z' && now.state !== 'X'
  } catch {
    return false
  }
}

afterEach(killSleeps)

describe('process groups', () => {
  it('ends the whole group, children the leader started included', async () => {
    // The leader starts a grandchild that ignores SIGTERM: only the group SIGKILL ends it.
    const child = spawnGroup('sh', ['-c', 'sh -c \'trap "" TERM; sleep 30\' & sleep 30'], { stdio: 'ignore' })
    const pgid = child.pid!
    await new Promise((r) => setTimeout(r, 200))
    expect(inGroup(pgid)).toHaveLength(4)
    await stopGroup(child, 300)
    expect(inGroup(pgid)).toEqual([])
  })

  it('ends a child that left the group with setsid, found by its parent while that lives', async () => {
    const [escaped, leader] = sleeps(2)
    // Without the variable, only the parent link leads to it.
    const script = `setsid env -u ${GROUP_VAR} sleep ${escaped} & exec sleep ${leader}`
    const child = spawnGroup('sh', ['-c', script], { stdio: 'ignore' })
    const p = await waitFor('the setsid child', () => sleeping(escaped)[0])
    expect(p.pgid).not.toBe(child.pid)
    expect(p.ppid).toBe(child.pid)
    await stopGroup(child, 300)
    expect(sleeping(escaped)).toEqual([])
    expect(sleeping(leader)).toEqual([])
  })

  it('ends an orphan that left the group, found by the variable it inherited', async () => {
    const [orphan] = sleeps(1)
    const child = spawnGroup('sh', ['-c', `setsid sleep ${orphan} &`], { stdio: 'ignore' })
    await new Promise((r) => child.once('exit', r))
    const p = await waitFor('the orphan', () => sleeping(orphan)[0])
    expect(p.ppid).not.toBe(child.pid)
    await stopGroup(child, 300)
    expect(sleeping(orphan)).toEqual([])
  })

  it('leaves nothing behind when memgate is killed by SIGKILL', async () => {
    const [inGroup, escaped, leader] = sleeps(3)
    const dir = mkdtempSync(join(tmpdir(), 'processes-'))
    const script = join(dir, 'memgate.mts')
    writeFileSync(
      script,
      `import { spawnGroup } from ${JSON.stringify(resolve('src/engine/processes.ts'))}
spawnGroup('sh', ['-c', 'sleep ${inGroup} & setsid sleep ${escaped} & exec sleep ${leader}'], { stdio: 'ignore' })
console.log('started')
setInterval(() => {}, 1000)
`
    )
    const memgate = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    try {
      await new Promise((r) => memgate.stdout.once('data', r))
      const all = () => [inGroup, escaped, leader].flatMap(sleeping)
      await waitFor('the three sleeps', () => (all().length === 3 ? true : undefined))
      const watchdog = await waitFor('the watchdog', () => watchdogOf(memgate.pid!))
      memgate.kill('SIGKILL')
      const killedAt = Date.now()
      await waitFor('nothing left', () => (all().length === 0 ? true : undefined), 3000)
      expect(Date.now() - killedAt).toBeLessThan(2500)
      // Its work done, the watchdog is gone too.
      await waitFor('the watchdog to exit', () => (isRunning(watchdog) ? undefined : true), 1000)
    } finally {
      memgate.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  }, 20_000)
})

describe('childEnv', () => {
  it("withholds the runner's file commands, its tokens and service URLs, and every action input", () => {
    const runner = {
      GITHUB_OUTPUT: '/runner/output',
      GITHUB_ENV: '/runner/env',
      GITHUB_PATH: '/runner/path',
      GITHUB_STATE: '/runner/state',
      GITHUB_STEP_SUMMARY: '/runner/summary',
      GITHUB_TOKEN: 'ghs_x',
      ACTIONS_RUNTIME_TOKEN: 'rt',
      ACTIONS_RUNTIME_URL: 'https://pipelines/',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc/',
      ACTIONS_CACHE_URL: 'https://cache/',
      ACTIONS_CACHE_SERVICE_V2: 'True',
      ACTIONS_RESULTS_URL: 'https://results/',
      'INPUT_GITHUB-TOKEN': 'ghs_y',
      INPUT_ENV: 'DB_PASSWORD=x',
      INPUT_MODE: 'full'
    }
    const kept = {
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_SHA: 'abc',
      GOFLAGS: '-mod=mod',
      MY_INPUT_DIR: '/x'
    }
    expect(childEnv({ ...runner, ...kept })).toEqual(kept)
  })
})

describe('the environment of a group', () => {
  it("has the group's tag and none of the runner's credentials", async () => {
    const env = {
      PATH: process.env.PATH,
      KEEP: 'yes',
      'INPUT_GITHUB-TOKEN': 'secret',
      ACTIONS_RUNTIME_TOKEN: 'secret',
      GITHUB_OUTPUT: '/secret/output'
    }
    const child = spawnGroup('sh', ['-c', 'env'], { env, stdio: ['ignore', 'pipe', 'ignore'] })
    let printed = ''
    child.stdout!.on('data', (d: Buffer) => (printed += d.toString()))
    await new Promise((r) => child.once('close', r))
    await stopGroup(child)
    expect(printed).toMatch(/^KEEP=yes$/m)
    expect(printed).toMatch(new RegExp(`^${GROUP_VAR}=\\d+-[0-9a-f]{8}\\.\\d+$`, 'm'))
    expect(printed).not.toMatch(/secret/)
  })
})

describe('the process table', () => {
  it('reads a stat line whose command name holds spaces and parentheses', () => {
    const line = '4242 (my (odd) name) S 17 4240 4240 0 -1 4194560 100 0 0 0 3 1 0 0 20 0 1 0 987654 1000 200'
    expect(parseStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 17, pgid: 4240, startTicks: 987654 })
  })

  it('finds every process below one by parent links', () => {
    const p = (pid: number, ppid: number): ProcessEntry => ({ pid, ppid, pgid: 0, state: 'S', startTicks: 0 })
    const table = [p(1, 0), p(10, 1), p(11, 10), p(12, 10), p(13, 12), p(20, 1), p(21, 20)]
    expect(
      descendantsOf([10], table)
        .map((d) => d.pid)
        .sort()
    ).toEqual([11, 12, 13])
    expect(descendantsOf([13], table)).toEqual([])
  })

  it('records the processes of a group, orphans and all, and not a process that reuses a pid', () => {
    const p = (pid: number, ppid: number, pgid: number, startTicks: number, state = 'S'): ProcessEntry => ({
      pid,
      ppid,
      pgid,
      state,
      startTicks
    })
    // 100 leads group 100; 101 left it (setsid) and started 102.
    const first = recordMembers(
      new Map(),
      [p(1, 0, 1, 1), p(100, 1, 100, 5), p(101, 100, 101, 6), p(102, 101, 101, 7)],
      100
    )
    expect([...first]).toEqual([
      [100, 5],
      [101, 6],
      [102, 7]
    ])
    // 101 exited: 102 is init's now, and still the group's. 103 reuses no pid of ours: not the group's.
    const later = recordMembers(
      first,
      [p(1, 0, 1, 1), p(100, 1, 100, 5), p(102, 1, 101, 7), p(103, 1, 103, 8)],
      100
    )
    expect([...later.keys()]).toEqual([100, 102])
    // 102 ended and its pid went to a process of someone else, with a child; a zombie is not recorded.
    const reused = recordMembers(
      later,
      [p(1, 0, 1, 1), p(100, 1, 100, 5, 'Z'), p(102, 1, 102, 20), p(104, 102, 102, 21)],
      100
    )
    expect([...reused]).toEqual([])
  })

  it("finds this process's cgroup v2 folder, where there is one", () => {
    const vm = '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n'
    expect(cgroupDir(vm, '9:name=systemd:/\n4:memory:/x\n0::/\n')).toBe('/sys/fs/cgroup/unified')
    const runner = '30 24 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n'
    expect(cgroupDir(runner, '0::/system.slice/runner.service\n')).toBe(
      '/sys/fs/cgroup/system.slice/runner.service'
    )
    // A container's mount of a part of the tree.
    const container = '600 590 0:26 /docker/abc /sys/fs/cgroup ro - cgroup2 cgroup rw\n'
    expect(cgroupDir(container, '0::/docker/abc/inner\n')).toBe('/sys/fs/cgroup/inner')
    expect(cgroupDir(container, '0::/elsewhere\n')).toBeNull()
    const v1 = '25 24 0:22 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n'
    expect(cgroupDir(v1, '4:memory:/\n')).toBeNull()
  })

  it('reads this process as it is', () => {
    const self = parseStat(readFileSync('/proc/self/stat', 'utf8'))
    expect(self.pid).toBeGreaterThan(0)
    expect(self.state).toBe('R')
  })
})

describe('the platform', () => {
  it('refuses Windows with a one-line reason', () => {
    expect(() => assertSupportedPlatform('win32')).toThrow(
      'go-memgate runs on Linux and macOS runners; Windows is not supported (use runs-on: ubuntu-latest)'
    )
    expect(() => assertSupportedPlatform('linux')).not.toThrow()
  })
})
