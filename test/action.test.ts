// The bundled action as a runner starts it: `node dist/index.js` with INPUT_* variables,
// the event file, the runner's files, and the GitHub API served by the fake on loopback.
import { jest } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import { FakeGitHub } from './github/fake-github.js'
import { runnerEnv } from './github/runner-env.js'

jest.setTimeout(180_000)

const ENTRY = 'dist/index.js'
// Runners start actions with Node 24; .ci/run points this at a Node 24 binary.
const RUNNER_NODE = process.env['MEMGATE_RUNNER_NODE'] || process.execPath

let fake: FakeGitHub
let dir: string

beforeAll(async () => {
  fake = await FakeGitHub.start()
  fake.addToken('pat', { user: { login: 'octo-dev', id: 1, type: 'User' } })
  dir = mkdtempSync(join(tmpdir(), 'memgate-action-'))
})
afterAll(async () => {
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
})
afterEach(() => expect(fake.violations).toEqual([]))

interface ActionRun {
  code: number | null
  /** The service's port, free again once the action ended. */
  port: number
  stdout: string
  outputs: Record<string, string>
  summary: string
}

interface RunOptions {
  /** Acts on the log as it comes (to cancel). */
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void
  overrides?: Record<string, string>
  /** The bundle as a runner starts it, or the source through @github/local-action. */
  via?: 'bundle' | 'local-action'
}

/** Runs the action on a fixture service. */
async function runAction(
  fixture: string,
  pr: number,
  { onLine, overrides = {}, via = 'bundle' }: RunOptions = {}
): Promise<ActionRun> {
  const port = await freePort()
  const run = mkdtempSync(join(dir, `${fixture}-`))
  const files = {
    output: join(run, 'output'),
    summary: join(run, 'summary.md'),
    event: join(run, 'event.json')
  }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(
    files.event,
    JSON.stringify({ number: pr, pull_request: { number: pr, head: { sha: 'c'.repeat(40) } } })
  )
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('GITHUB_') && !k.startsWith('INPUT_') && !k.startsWith('ACTIONS_')
    )
  )
  const inputs: Record<string, string> = {
    'working-directory': `test/fixtures/services/${fixture}`,
    env: `ADDR=127.0.0.1:${port}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
    duration: '20s',
    warmup: '5s',
    'github-token': 'pat',
    ...overrides
  }
  // What the runner sets for the step: the inputs and its own variables.
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...runnerEnv({ apiUrl: fake.url, files, runnerTemp: run, runId: '1' }),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: process.cwd()
  }
  const envFile = join(run, '.env')
  // local-action reads the runner's variables from a dotenv file (double quotes keep newlines).
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n') + '\n'
  )
  const child =
    via === 'bundle'
      ? spawn(RUNNER_NODE, [ENTRY], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('node_modules/.bin/local-action', ['run', '.', 'src/main.ts', envFile], {
          env: inherited,
          stdio: ['ignore', 'pipe', 'pipe']
        })
  let stdout = ''
  let pending = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    pending += chunk.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) onLine?.(line, child)
  })
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const outputText = readFileSync(files.output, 'utf8')
  const outputs = Object.fromEntries(
    [...outputText.matchAll(/^(.+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]])
  )
  return { code, stdout, outputs, summary: readFileSync(files.summary, 'utf8'), port }
}

describe(`node dist/index.js (Node ${execFileSync(RUNNER_NODE, ['--version']).toString().trim()})`, () => {
  it('fails on the leaking service, with a comment, a summary and outputs', async () => {
    const result = await runAction('heap-leak', 1)
    expect({ code: result.code, verdict: result.outputs['verdict'] }).toEqual({ code: 1, verdict: 'fail' })
    expect(result.stdout).toMatch(/^::error::go-memgate \(memgate\): fail: /m)
    const comments = fake.issueComments('octo/service', 1)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('memory grows')
    // The leaking line, relative to the repository, as the annotation and the comment name it.
    const leakLine =
      readFileSync('test/fixtures/services/heap-leak/main.go', 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('memgate:leak')) + 1
    expect(comments[0].body).toContain(`\`test/fixtures/services/heap-leak/main.go:${leakLine}\``)
    expect(result.stdout).toMatch(
      new RegExp(
        `^::error [^:]*file=test/fixtures/services/heap-leak/main\\.go,[^:]*line=${leakLine}[,:]`,
        'm'
      )
    )
    expect(result.outputs['comment-url']).toContain(`#issuecomment-${comments[0].id}`)
    expect(Number(result.outputs['heap-slope'])).toBeGreaterThan((1024 * 1024) / 60)
    expect(existsSync(result.outputs['report-json'])).toBe(true)
    expect(existsSync(result.outputs['report-markdown'])).toBe(true)
    expect(result.summary).toContain('memory grows')
    expect(result.stdout).toContain('No ACTIONS_RUNTIME_TOKEN')
    // The side's warm-up and samples folded in one group of the job's log.
    const group = /^::group::head: load .*; warm-up 5s\n([\s\S]*?)^::endgroup::$/m.exec(result.stdout)
    expect(group?.[1]).toMatch(/^ {2}head sample 1\/\d+ at /m)
  })

  it('passes on the clean service', async () => {
    // The clean service's cache fills in its first 10 s: the warm-up must cover that.
    const result = await runAction('clean', 2, { overrides: { warmup: '12s' } })
    expect(result.code).toBe(0)
    expect(result.outputs['verdict']).toBe('pass')
    expect(fake.issueComments('octo/service', 2)).toHaveLength(1)
  })

  it('on SIGTERM (job cancelled) stops the service and fails as cancelled', async () => {
    let signalled = false
    const result = await runAction('heap-leak', 3, {
      onLine: (line, child) => {
        // Cancel once the service is up and load runs.
        if (!signalled && /warm|sampl|load/i.test(line)) {
          signalled = true
          child.kill('SIGTERM')
        }
      }
    })
    expect(signalled).toBe(true)
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::.*cancelled by SIGTERM/)
    // Nothing is left listening on the service's port.
    await expect(fetch(`http://127.0.0.1:${result.port}/`)).rejects.toThrow()
  })
})

describe('npx local-action run . src/main.ts', () => {
  it('runs the action from source the same way, on the leaking service', async () => {
    const result = await runAction('heap-leak', 4, { via: 'local-action' })
    expect(result.stdout).toMatch(/::error::go-memgate \(memgate\): fail: live heap grows/)
    expect(result.stdout).toMatch(/'verdict'\s*│\s*'fail'/)
    const comments = fake.issueComments('octo/service', 4)
    expect(comments).toHaveLength(1)
    expect(comments[0].body).toContain('memory grows')
  })
})
