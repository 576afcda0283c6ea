// The fault matrix: memgate run against real Go services that misbehave (the `faulty`
// fixture, one fault per environment variable) and against hostile inputs. Each scenario
// checks the exit code, the line the user reads first, whether report.json is there and
// honest, and that nothing memgate started is left running.
import { jest } from '@jest/globals'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readReportFile } from '../src/baseline/stored.js'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { makeReport } from './fixtures/reports.js'
import { SERVICES } from './fixtures/services.js'
import { groupAlive, groupsStarted, processesCarrying, runCli, type CliResult } from './helpers/cli.js'
import { readOnlyFolder } from './helpers/read-only.js'

jest.setTimeout(120_000)

const FAULTY = `${SERVICES}faulty`
/**
 * A clean service's verdict after 5 s: the point of these scenarios is that there is one,
 * honest about what was dropped; so short a run may not tell flat from noise.
 */
const VERDICT = /^go-memgate: (PASS|INCONCLUSIVE)$/
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

const temps: string[] = []
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temps.push(dir)
  return dir
}

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

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

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
    // Another process, not one memgate started (a process the start-command starts is the
    // service's, cgroup and all), takes the port once memgate has checked it and is starting
    // the service, which waits a second before it binds.
    let taken = false
    const run = await memgate({
      env: { PPROF_ADDR: `127.0.0.1:${pprofPort}`, LEAK_BYTES: '65536' },
      args: [
        '--pprof-url',
        `http://127.0.0.1:${pprofPort}/debug/pprof`,
        '--start-command',
        'sleep 1; exec "$MEMGATE_BINARY"'
      ],
      onStderr: (text) => {
        if (taken || !text.includes('starting the service')) return
        taken = true
        startOther({ ADDR: `127.0.0.1:${pprofPort}` })
      }
    })
    expect(taken).toBe(true)
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

  // OOM_AFTER: after the 2 s idle stretch before the load (engine/idle.ts), within the run.
  it('runs out of memory: the line quotes the runtime, not its goroutine dump', async () => {
    const run = await memgate({
      env: { OOM_AFTER: '5s' },
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

describe('a service that misbehaves but lives', () => {
  it('serves no pprof, but answers every path: the line names pprof-url', async () => {
    const run = await memgate({ env: { NO_PPROF: '1' }, args: ['--ready-timeout', '2s'] })
    expectOutcome(run, {
      code: 2,
      line: `memgate: pprof-url: http://127.0.0.1:${run.port}/debug/pprof/ answers, but not with the net/http/pprof index; check that the service imports net/http/pprof and serves it at pprof-url`,
      report: null
    })
  })

  // Known at once, so said at once: with ready-timeout 60s and the test's own 30s, a run that
  // waited it would time out. The seconds from the service's start to the error are printed, not asserted.
  // Each: the scenario, the service's options given pprof-url's port, and the line given that port and the service's.
  it.each<[string, (pprofPort: number) => RunOptions, (pprofPort: number, port: number) => string]>([
    [
      'answers 404 at pprof-url (pprof not imported)',
      (pprofPort) => ({ port: pprofPort, env: { NO_PPROF: '404' } }),
      (_, port) =>
        `pprof-url: the service answers at 127.0.0.1:${port} but not /debug/pprof/: import net/http/pprof (or serve its handlers there)`
    ],
    [
      'serves pprof at another port than pprof-url',
      () => ({}),
      (pprofPort, port) =>
        `pprof-url: nothing serves pprof at 127.0.0.1:${pprofPort}, but the service does at 127.0.0.1:${port}: set pprof-url to http://127.0.0.1:${port}/debug/pprof`
    ],
    [
      // An address of no interface here: Go logs the failed ListenAndServe and runs on, as for :80 without root.
      'cannot open its pprof listener (as with PPROF_ADDR unset, not root)',
      (pprofPort) => ({ env: { PPROF_ADDR: `203.0.113.1:${pprofPort}` } }),
      (pprofPort) =>
        `pprof-url: nothing listens on 127.0.0.1:${pprofPort}, and the service says "listen tcp 203.0.113.1:${pprofPort}: bind: cannot assign requested address"; check the address the service listens on for pprof-url`
    ]
  ])(
    '%s: the line says so at once',
    async (name, options, line) => {
      const pprofPort = await freePort()
      let startedAt = 0
      const run = await memgate({
        ...options(pprofPort),
        args: ['--pprof-url', `http://127.0.0.1:${pprofPort}/debug/pprof`, '--ready-timeout', '60s'],
        onStderr: (text) => void (startedAt ||= /starting the service/.test(text) ? Date.now() : 0)
      })
      console.info(
        `${name}: first error ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the service started`
      )
      expectOutcome(run, { code: 2, line: `memgate: ${line(pprofPort, run.port)}`, report: null })
    },
    30_000
  )

  it('never answers at pprof-url: the line says so in words after ready-timeout', async () => {
    const nowhere = await freePort()
    const run = await memgate({
      env: { NO_PPROF: '1' },
      args: ['--pprof-url', `http://127.0.0.1:${nowhere}/debug/pprof`, '--ready-timeout', '2s']
    })
    expectOutcome(run, {
      code: 2,
      line: `memgate: pprof-url: nothing listens on 127.0.0.1:${nowhere} within ready-timeout (2s); the service says it listens on 127.0.0.1:${run.port}; check that the service imports net/http/pprof and listens there, or raise ready-timeout`,
      report: null
    })
  })

  // Before, the first 2 s of load failed with ECONNREFUSED and stopped the gate: the API is waited for.
  it('opens its API 8 s after its pprof: the load waits for target-url, the run goes on', async () => {
    const [pprofPort, apiPort] = [await freePort(), await freePort()]
    const run = await memgate({
      port: apiPort,
      env: { PPROF_ADDR: `127.0.0.1:${pprofPort}`, API_AFTER: '8s' },
      args: [
        '--pprof-url',
        `http://127.0.0.1:${pprofPort}/debug/pprof`,
        '--target-url',
        `http://127.0.0.1:${apiPort}/`,
        '--ready-timeout',
        '60s'
      ]
    })
    expect(run.stderr).toMatch(
      `waiting for target-url http://127.0.0.1:${apiPort}/ (nothing listens on 127.0.0.1:${apiPort} yet)`
    )
    expectOutcome(run, {
      code: 0,
      line: VERDICT,
      report: (r) => expect(r.runs.head.load).toMatchObject({ kind: 'built-in', errors: 0 })
    })
  })

  it('ignores SIGTERM: it is killed after the grace period', async () => {
    const run = await memgate({ env: { IGNORE_SIGTERM: '1' } })
    expectOutcome(run, { code: 0, line: VERDICT, report: (r) => expect(r.verdict).not.toBe('fail') })
  })

  it('starts a child in a session of its own (setsid): it is ended too', async () => {
    let orphanSeen = false
    const run = await memgate({
      env: { ORPHAN: 'orphan-of-the-fault-test' },
      onStderr: (text) =>
        (orphanSeen ||=
          /sampling every/.test(text) && processesCarrying('orphan-of-the-fault-test').length > 0)
    })
    expect(orphanSeen).toBe(true)
    expectOutcome(run, { code: 0, line: VERDICT, report: (r) => expect(r.verdict).not.toBe('fail') })
    expect(processesCarrying('orphan-of-the-fault-test')).toEqual([])
  })

  it('holds 100,000 goroutines: they are counted, and a steady count passes', async () => {
    const run = await memgate({ env: { GOROUTINES: '100000' } })
    expectOutcome(run, {
      code: 0,
      line: VERDICT,
      report: (r) => {
        expect(Math.min(...r.runs.head.samples.map((s) => s.goroutines))).toBeGreaterThanOrEqual(100_000)
        expect(r.runs.head.sampleNotes).toEqual([])
      }
    })
  })

  it('does not compile: the compiler speaks beneath the line', async () => {
    const dir = temp('memgate-fault-module-')
    writeFileSync(join(dir, 'go.mod'), 'module example.com/broken\n\ngo 1.24\n')
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {\n\tundefinedThing()\n}\n')
    const run = await memgate({ dir })
    expectOutcome(run, { code: 2, line: 'memgate: go build . failed (exit code 1)', report: null })
    expect(run.stderr).toMatch(/\| .*undefined: undefinedThing/)
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/)
  })
})

describe('a pprof endpoint that misbehaves', () => {
  it.each(['500', 'garbage', 'truncated'])(
    'answers %s to every reading: no verdict on no samples',
    async (fault) => {
      const run = await memgate({ env: { PPROF_FAULT: fault } })
      expectOutcome(run, {
        code: 2,
        line: `memgate: only 0 of 11 samples could be read from http://127.0.0.1:${run.port}/debug/pprof`,
        report: null
      })
    }
  )

  it.each<[string, RegExp, number]>([
    ['hang', /timeout|aborted/i, 512 * 1024 ** 2],
    ['bomb', /^a profile decompresses to more than 512 MiB/, 1536 * 1024 ** 2],
    ['huge', /^heap: the response is larger than 256 MiB/, 1024 * 1024 ** 2]
  ])(
    'answers the heap profile with %s: those samples are dropped and said, the readings stand',
    async (fault, note, peakBytes) => {
      const run = await memgate({ env: { PPROF_FAULT: fault } })
      expectOutcome(run, {
        code: 0,
        line: VERDICT,
        report: (r) => {
          expect(r.runs.head.sampleNotes).toContainEqual(
            expect.objectContaining({ kind: 'sample-dropped', error: expect.stringMatching(note) })
          )
          expect(r.runs.head.samples.length).toBeGreaterThanOrEqual(8)
        }
      })
      console.info(`pprof ${fault}: memgate's peak RSS ${(run.peakRssBytes / 1024 ** 2).toFixed(0)} MiB`)
      expect(run.peakRssBytes).toBeLessThan(peakBytes)
    }
  )
})

describe('a load that misbehaves', () => {
  it('exits 7: the gate stops, the line names load-command', async () => {
    const out = temp('memgate-fault-')
    const run = await memgate({ out, args: ['--load-command', `exit 7 # ${out}`] })
    expectOutcome(run, {
      code: 2,
      line: 'memgate: load-command: exited with code 7 before sampling ended; fix the command (its output is in logs/head-load.log)',
      report: null
    })
  })

  it('floods 64 MB without a newline: the log is capped, the samples keep their pace', async () => {
    const out = temp('memgate-fault-')
    const flood = `head -c 64000000 /dev/zero | tr '\\0' x; sleep 600 # ${out}`
    const run = await memgate({ out, args: ['--load-command', flood] })
    expectOutcome(run, {
      code: 0,
      line: VERDICT,
      report: (r) => expect(r.runs.head.sampleNotes).toEqual([])
    })
    const log = readFileSync(join(out, 'logs', 'head-load.log'), 'utf8')
    expect(log.length).toBeLessThan(64 * 1024)
    expect(log).toContain('[memgate: line cut at 4096 characters]')
  })

  it('ignores SIGTERM: it is killed after the grace period', async () => {
    const out = temp('memgate-fault-')
    const run = await memgate({ out, args: ['--load-command', `trap "" TERM; sleep 600 # ${out}`] })
    expectOutcome(run, { code: 0, line: VERDICT, report: (r) => expect(r.verdict).not.toBe('fail') })
  })
})

describe('stopped by a signal', () => {
  const phases = [
    ['the build', /building/, 'cancelled while building'],
    ['the warm-up', /warm-up 60s/, 'cancelled during warm-up'],
    ['sampling', /sampling every/, 'cancelled while sampling']
  ] as const
  it.each(
    phases.flatMap(([phase, when, why]) =>
      (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, phase, when, why] as const)
    )
  )(
    '%s during %s: the service, the load and the build end; no report stands',
    async (signal, _phase, when, why) => {
      const out = temp('memgate-fault-')
      writeFileSync(join(out, 'report.json'), '{"stale": true}')
      let sent = false
      const run = await memgate({
        out,
        args: [
          '--build-command',
          `${when.source === 'building' ? 'sleep 600 && ' : ''}go build -o "$MEMGATE_BINARY" . # ${out}`,
          '--load-command',
          `sleep 600 # ${out}`,
          '--warmup',
          when.source === 'sampling every' ? '1s' : '60s'
        ],
        onStderr: (text, child) => {
          if (!sent && when.test(text)) {
            sent = true
            child.kill(signal)
          }
        }
      })
      expect(sent).toBe(true)
      expectOutcome(run, {
        code: signal === 'SIGINT' ? 130 : 143,
        line: `memgate: ${signal}: stopping the service and the load`,
        report: null
      })
      expect(run.stderr).toContain(`memgate: ${why}`)
    }
  )
})

describe('an output folder that cannot hold the report', () => {
  it('is a file', async () => {
    const out = join(temp('memgate-fault-'), 'file')
    writeFileSync(out, 'not a folder')
    const run = await memgate({ out })
    expectOutcome(run, {
      code: 2,
      line: `memgate: --out: ${out} is a file, not a folder; give a folder (memgate creates it when missing)`,
      report: null
    })
    expect(readFileSync(out, 'utf8')).toBe('not a folder')
  })

  it('lies under /proc: refused at once, no mkdir that never returns', async () => {
    const run = await memgate({ out: '/proc/memgate-out' })
    expectOutcome(run, {
      code: 2,
      line: 'memgate: --out: /proc/memgate-out is under /proc, a kernel file system; give a folder on disk',
      report: null
    })
  })

  it('is read-only', async () => {
    const readOnly = readOnlyFolder()
    if (!readOnly) return console.warn('no read-only folder can be made here: not tested')
    try {
      const run = await memgate({ out: readOnly.path })
      expectOutcome(run, {
        code: 2,
        line: new RegExp(
          `^memgate: --out: ${readOnly.path} cannot be written \\((EROFS|EACCES): .*\\); give a folder memgate can write$`
        ),
        report: null
      })
    } finally {
      readOnly.remove()
    }
  })

  it('breaks mid-run: the folder is blamed, not pprof', async () => {
    let broken = false
    const out = temp('memgate-fault-')
    const run = await memgate({
      out,
      onStderr: (text) => {
        // Once the first sample's profiles are written.
        if (broken || !/ sample \d+\/\d+ at \d+\.\ds/.test(text)) return
        broken = true
        const profiles = join(out, 'profiles', 'head')
        rmSync(profiles, { recursive: true, force: true })
        writeFileSync(profiles, 'no longer a folder')
      }
    })
    expect(broken).toBe(true)
    expectOutcome(run, {
      code: 2,
      line: new RegExp(
        `^memgate: --out: ${run.out}/profiles/head/\\S+ cannot be written \\(ENOTDIR: not a directory\\); give a folder memgate can write$`
      ),
      report: null
    })
  })
})

describe('hostile inputs', () => {
  it.each<[string, string[], string]>([
    [
      'a name that climbs out of its folder',
      ['--name', '..'],
      'name: use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got ".."'
    ],
    [
      'a name with a path',
      ['--name', '../../tmp'],
      'name: use 1 to 64 letters, digits, ".", "_" and "-", starting with a letter or digit (it names a folder), got "../../tmp"'
    ],
    [
      'a package that is a go build flag',
      ['--package', '-toolexec=/bin/true'],
      'package: "-toolexec=/bin/true" starts with "-", which go build reads as a flag; give a package path such as ./cmd/server'
    ],
    [
      'a pprof-url with a token in its query',
      ['--pprof-url', 'http://127.0.0.1:6060/debug/pprof?token=s3cret'],
      'pprof-url: has a query or a fragment; give the folder of net/http/pprof alone, such as http://127.0.0.1:6060/debug/pprof'
    ]
  ])('%s: one line, exit 2, nothing built', async (_name, args, line) => {
    const run = await memgate({ args })
    expectOutcome(run, { code: 2, line: `memgate: ${line}`, report: null })
    expect(run.stderr).not.toContain('building')
  })

  it.each<[string, (r: Record<string, unknown>) => void, string]>([
    [
      'trends that are text',
      (r) => Object.assign((r.runs as Report['runs']).head.trends.heap!, { slopePerSec: 'NaN' }),
      '/runs/head/trends/heap/slopePerSec must be number'
    ],
    ['no config', (r) => delete r.config, "/ must have required property 'config'"]
  ])('a stored baseline with %s: one line, no stack trace, nothing built', async (_name, spoil, error) => {
    const path = join(temp('memgate-fault-'), 'baseline.json')
    const report = makeReport() as unknown as Record<string, unknown>
    spoil(report)
    writeFileSync(path, JSON.stringify(report))
    const run = await memgate({ args: ['--baseline', path] })
    expectOutcome(run, {
      code: 2,
      line: `memgate: baseline: ${path} does not follow the report.json schema (schemaVersion 2): ${error}`,
      report: null
    })
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
  })
})
