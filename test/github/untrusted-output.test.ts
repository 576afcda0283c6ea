// What the PR's code prints, and a fork's report text, reach the job log as the runner reads
// it: no workflow command of theirs is executed, no terminal escape is written.
import { jest } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../src/main.js'
import { fixtureRepo } from '../fixtures/repo.js'
import { makeReport } from '../fixtures/reports.js'
import { executedCommands } from '../helpers/runner-commands.js'
import { runnerEnv } from './runner-env.js'

jest.setTimeout(60_000)

/** Output that would set an output, mask a word, warn and colour the log if the runner executed it. */
const HOSTILE =
  '::warning::x\\n::add-mask::y\\n::set-output name=verdict::pass\\n##[error]z\\n\\033[31mred\\033]0;title\\007\\n'

const dir = mkdtempSync(join(tmpdir(), 'memgate-untrusted-'))
const savedEnv = { ...process.env }
let log: string

beforeEach(() => {
  const files = {
    event: join(dir, 'event.json'),
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md')
  }
  writeFileSync(
    files.event,
    JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: 'a'.repeat(40) } } })
  )
  for (const file of [files.output, files.summary]) writeFileSync(file, '')
  process.env = {
    ...savedEnv,
    ...runnerEnv({ apiUrl: 'http://127.0.0.1:9', files, runnerTemp: join(dir, 'runner'), runId: '1' })
  }
  log = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += chunk.toString()
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
  process.exitCode = undefined
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The log holds no escape, and the runner executes `ours` only: memgate's own commands. */
function expectInert(ours: string[]): void {
  expect(log).not.toMatch(/[\x1b\x07\x9b]/) // eslint-disable-line no-control-regex
  expect(executedCommands(log)).toEqual(ours)
  expect(log).toContain('::add-mask::y') // shown, inside a block
}

describe('untrusted output in the job log', () => {
  it('fences what a failed base and head build printed, and strips its escapes', async () => {
    const repo = fixtureRepo(mkdtempSync(join(dir, 'repo-')), 'clean', 'clean')
    Object.assign(process.env, {
      GITHUB_WORKSPACE: repo,
      INPUT_MODE: 'analyze',
      'INPUT_WORKING-DIRECTORY': 'svc',
      INPUT_BASELINE: 'merge-base',
      'INPUT_BASE-REF': 'main',
      'INPUT_UPLOAD-ARTIFACT': 'false',
      'INPUT_BUILD-COMMAND': `printf '${HOSTILE}'; exit 1`
    })
    await run()
    expect(log.match(/^::add-mask::y$/gm)).toHaveLength(2) // the base's output, then the head's
    expect(process.exitCode).toBe(1)
    expectInert(['error'])
  })

  it("fences a fork's report text in mode comment", async () => {
    const report = join(dir, 'report.json')
    const hostile = HOSTILE.replace(/\\n/g, '\n').replace(/\\033/g, '\x1b').replace(/\\007/g, '\x07')
    // Reasons are said anew from the judgements (never the report's own); a run's notes are shown as written.
    const fork = makeReport({ verdict: 'fail', reasons: [hostile] })
    fork.runs.head.sampleNotes = [hostile]
    writeFileSync(report, JSON.stringify(fork))
    Object.assign(process.env, { INPUT_MODE: 'comment', 'INPUT_REPORT-JSON': report, INPUT_COMMENT: 'never' })
    await run()
    expect(process.exitCode).toBe(1)
    expectInert(['group', 'endgroup', 'error'])
  })
})
