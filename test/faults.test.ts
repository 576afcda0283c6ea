// The fault matrix: memgate run against real Go services that misbehave (the `faulty`
// fixture, one fault per environment variable) and against hostile inputs. Each scenario
// checks the exit code, the line the user reads first, whether report.json is there and
// honest, and that nothing memgate started is left running.
import { jest } from '@jest/globals'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readReportFile } from '../src/baseline/stored.js'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { SERVICES } from './fixtures/services.js'
import { groupAlive, groupsStarted, processesCarrying, runCli, type CliResult } from './helpers/cli.js'

jest.setTimeout(120_000)

const FAULTY = `${SERVICES}faulty`
/** Short runs: one look after 5 s of sampling. */
const QUICK = ['--warmup', '1s', '--duration', '5s', '--max-duration', '5s', '--interval', '500ms']

interface GateRun extends CliResult {
  out: string
  port: number
}

interface RunOptions {
  /** The Go module; the faulty fixture unless said. */
  dir?: string
  /** The service's environment, beside ADDR. */
  env?: Record<string, string>
  /** More flags; a flag given again overrides the defaults. */
  args?: string[]
  out?: string
  port?: number
  onStderr?: (text: string, child: ChildProcess) => void
}

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix))

/**
 * memgate run on a service at a free port. The output folder's path is passed to the
 * service as FAULT_RUN: every process the service starts carries it, so that one left
 * behind is found (a load-command names it in a comment for the same reason).
 */
async function memgate(options: RunOptions = {}): Promise<GateRun> {
  const port = options.port ?? (await freePort())
  const out = options.out ?? temp('memgate-fault-')
  const env = { ADDR: `127.0.0.1:${port}`, FAULT_RUN: out, ...options.env }
  const result = await runCli(
    [
      'run',
      '--working-directory',
      options.dir ?? FAULTY,
      ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      '--pprof-url',
      `http://127.0.0.1:${port}/debug/pprof`,
      '--out',
      out,
      '--rate',
      '50',
      ...QUICK,
      ...(options.args ?? [])
    ],
    { onStderr: options.onStderr }
  )
  return { ...result, out, port }
}

/** The line the user reads first: the verdict on stdout, or memgate's first line on stderr. */
function headline(run: CliResult): string {
  if (run.code === 0 || run.code === 1) return run.stdout.split('\n')[0]
  return run.stderr.split('\n').find((l) => l.startsWith('memgate: ')) ?? ''
}

interface Expected {
  code: number
  line: string | RegExp
  /** null: no report.json may be there; else checks on it, read as `baseline:` would read it. */
  report: ((report: Report) => void) | null
}

function expectOutcome(run: GateRun, expected: Expected): void {
  expect({ code: run.code, line: headline(run) }).toEqual({
    code: expected.code,
    line: typeof expected.line === 'string' ? expected.line : expect.stringMatching(expected.line)
  })
  const path = join(run.out, 'report.json')
  if (expected.report === null) expect(existsSync(path)).toBe(false)
  else expected.report(readReportFile(path, 'report.json'))
  expectNothingLeft(run)
}

function expectNothingLeft(run: GateRun): void {
  for (const pgid of groupsStarted(run.stderr)) expect(groupAlive(pgid)).toBe(false)
  expect(processesCarrying(run.out)).toEqual([])
}

/** The faulty fixture built by the test, to stand as "another process" on a port. */
let other: string
const others: ChildProcess[] = []

function startOther(env: Record<string, string>): ChildProcess {
  const child = spawn(other, [], { env: { ...process.env, ...env }, stdio: 'ignore' })
  others.push(child)
  return child
}

async function waitAnswering(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/debug/pprof/`)
      return
    } catch {
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  throw new Error(`nothing answers on ${port}`)
}

beforeAll(() => {
  const dir = temp('memgate-fault-other-')
  other = join(dir, 'other-service')
  execFileSync('go', ['build', '-o', other, '.'], { cwd: FAULTY })
})

afterEach(() => {
  for (const child of others.splice(0)) child.kill('SIGKILL')
  for (const pid of processesCarrying(other)) process.kill(pid, 'SIGKILL')
})

afterAll(() => rmSync(join(other, '..'), { recursive: true, force: true }))

describe('whose endpoint is measured', () => {
  it('refuses to start when another process already answers at pprof-url', async () => {
    const pprofPort = await freePort()
    startOther({ ADDR: `127.0.0.1:${pprofPort}` })
    await waitAnswering(pprofPort)
    // The service serves pprof as the net/http/pprof docs do: it would log the taken port and run on, leaking.
    const run = await memgate({
      env: { PPROF_ADDR: `127.0.0.1:${pprofPort}`, LEAK_BYTES: '65536' },
      args: ['--pprof-url', `http://127.0.0.1:${pprofPort}/debug/pprof`]
    })
    expectOutcome(run, {
      code: 2,
      line: `memgate: pprof-url: another process answers at http://127.0.0.1:${pprofPort}/debug/pprof before the service is started; stop it, or give the service and pprof-url a free port`,
      report: null
    })
  })

  it('refuses an endpoint that another process took after that check', async () => {
    const pprofPort = await freePort()
    // The start-command starts the other process in a session of its own, then the service.
    const run = await memgate({
      env: { PPROF_ADDR: `127.0.0.1:${pprofPort}`, LEAK_BYTES: '65536' },
      args: [
        '--pprof-url',
        `http://127.0.0.1:${pprofPort}/debug/pprof`,
        '--start-command',
        `env -u MEMGATE_GROUP -u FAULT_RUN -u PPROF_ADDR ADDR=127.0.0.1:${pprofPort} setsid -f ${other}; sleep 1; exec "$MEMGATE_BINARY"`
      ]
    })
    expectOutcome(run, {
      code: 2,
      line: `memgate: pprof-url: another process answers at http://127.0.0.1:${pprofPort}/debug/pprof (${other}), not the service memgate started; stop it, or give the service and pprof-url a free port`,
      report: null
    })
  })
})

describe('a service that dies', () => {
  it('crashes mid-run: the line says when, its last words are beneath', async () => {
    const run = await memgate({ env: { CRASH_AFTER: '3s' } })
    expectOutcome(run, {
      code: 2,
      line: /^memgate: the service exited with code 1 during (warm-up|the run)$/,
      report: null
    })
    expect(run.stderr).toMatch(/\| .* out of cheese/)
  })

  it('runs out of memory: the line quotes the runtime, not its goroutine dump', async () => {
    const run = await memgate({
      env: { OOM_AFTER: '2s' },
      args: ['--start-command', 'ulimit -v 4000000 && exec "$MEMGATE_BINARY"']
    })
    expectOutcome(run, {
      code: 2,
      line: /^memgate: the service exited with code 2 \(fatal error: out of memory\) during (warm-up|the run)$/,
      report: null
    })
    const detail = run.stderr.split('\n').filter((l) => l.startsWith('  | '))
    expect(detail).toEqual([
      expect.stringMatching(/^ {2}\| runtime: out of memory: cannot allocate 17179869184-byte block/),
      '  | fatal error: out of memory',
      `  | [memgate: the goroutine dump that followed is in ${run.out}/logs/head-service.log]`
    ])
    expect(readFileSync(join(run.out, 'logs', 'head-service.log'), 'utf8')).toMatch(/^goroutine \d+ /m)
  })
})
