// Pushing a run to a real Pushgateway (Debian's prometheus-pushgateway, which .ci/run
// installs) started on a free loopback port, and reading it back from the gateway's /metrics.
import { jest } from '@jest/globals'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { makeReport } from '../../test/fixtures/reports.js'
import { runRegistry, type RunExport } from '../report/openmetrics.js'
import { parseExposition, type ExpositionSample } from './exposition.js'
import { freePort } from './free-port.js'
import { sleep, spawnGroup, stopGroup } from './processes.js'
import { groupingPath, PUSH_JOB, pushRun } from './pushgateway.js'

jest.setTimeout(60_000)

const BINARY = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'prometheus-pushgateway'))
  .find((path) => existsSync(path))
// CI installs the gateway: there, its absence is a failure, not a skip.
if (!BINARY && process.env.CI)
  throw new Error('prometheus-pushgateway is not installed: .ci/run installs it with apt-get')
if (!BINARY)
  console.warn(
    'Pushgateway tests skipped: prometheus-pushgateway is not installed (apt-get install prometheus-pushgateway)'
  )
const withGateway = BINARY ? describe : describe.skip

describe('groupingPath', () => {
  it('sends values with a "/" and empty ones base64url-encoded, others as they are', () => {
    expect(
      groupingPath({ name: 'memgate', repository: 'acme/shop', branch: '', commit: '0123abcd' })
    ).toEqual({
      name: 'memgate',
      'repository@base64': 'YWNtZS9zaG9w',
      'branch@base64': '=',
      commit: '0123abcd'
    })
  })
})

const run = (commit: string, branch = 'feature/cache'): RunExport => ({
  labels: { repository: 'acme/shop', branch, commit },
  detectableGrowthPerSec: { heap: 9000 }
})

describe('pushRun to a gateway that answers 500', () => {
  it('quotes its page redacted and capped, in one line', async () => {
    const page = `<h1>500</h1>\n<pre>upstream said: token ghp_${'a'.repeat(36)} Authorization: Bearer sekrit123</pre>${'x'.repeat(5000)}`
    const server = createServer((_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(page))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as { port: number }
      const result = await pushRun(runRegistry(makeReport(), run('dddd4444')), `http://127.0.0.1:${port}`, {})
      expect(result.warning).toMatch(/^pushgateway-url: .*status 500.*the verdict stands$/)
      expect(result.warning).not.toMatch(/ghp_a|sekrit123|\n/)
      expect(result.warning!.length).toBeLessThan(400)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

withGateway('pushRun to a real Pushgateway', () => {
  let gateway: ChildProcess
  let url: string
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memgate-pushgateway-'))
    url = `http://127.0.0.1:${await freePort()}`
    gateway = spawnGroup(
      BINARY!,
      [
        `--web.listen-address=${url.slice('http://'.length)}`,
        `--persistence.file=${join(dir, 'metrics.data')}`
      ],
      { stdio: 'ignore' }
    )
    for (let tries = 0; tries < 100; tries++) {
      if (
        await fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false
        )
      )
        return
      await sleep(100)
    }
    throw new Error('the Pushgateway did not get ready')
  })
  afterAll(async () => {
    await stopGroup(gateway, 1000)
    rmSync(dir, { recursive: true, force: true })
  })

  /** What the gateway serves for one run: its samples named memgate_*, by the grouping commit. */
  async function pushed(commit: string): Promise<ExpositionSample[]> {
    const text = await (await fetch(`${url}/metrics`)).text()
    return parseExposition(text).filter((s) => s.name.startsWith('memgate_') && s.labels.commit === commit)
  }

  const grouping = (r: RunExport) => ({ name: 'memgate', ...r.labels })

  it('pushes the run grouped by job, name, repository, branch and commit, readable from /metrics', async () => {
    const r = run('0123abcd')
    const result = await pushRun(runRegistry(makeReport({ verdict: 'fail' }), r), url, grouping(r))
    expect(result.warning).toBeUndefined()
    expect(result.roundTripMs).toBeGreaterThan(0)

    const samples = await pushed('0123abcd')
    const value = (name: string) => samples.find((s) => s.name === name)?.value
    for (const s of samples)
      expect(s.labels).toMatchObject({
        job: PUSH_JOB,
        name: 'memgate',
        repository: 'acme/shop',
        branch: 'feature/cache',
        commit: '0123abcd'
      })
    expect(samples.find((s) => s.name === 'memgate_verdict')?.labels.verdict).toBe('fail')
    expect(value('memgate_verdict')).toBe(1)
    expect(value('memgate_live_heap_growth_bytes_per_second')).toBe(51200)
    expect(value('memgate_live_heap_growth_low_bytes_per_second')).toBe(51200 * 0.9)
    expect(value('memgate_live_heap_detectable_growth_bytes_per_second')).toBe(9000)
    expect(value('memgate_goroutines')).toBe(12)
    expect(value('memgate_duration_seconds')).toBe(20)
  })

  it('keeps each commit apart, and replaces a commit measured again', async () => {
    const first = run('aaaa1111', 'main')
    await pushRun(runRegistry(makeReport({ verdict: 'fail' }), first), url, grouping(first))
    const second = run('bbbb2222', 'main')
    await pushRun(runRegistry(makeReport({ verdict: 'pass' }), second), url, grouping(second))
    const again = await pushRun(runRegistry(makeReport({ verdict: 'pass' }), first), url, grouping(first))
    expect(again.warning).toBeUndefined()

    const verdicts = async (commit: string) =>
      (await pushed(commit)).filter((s) => s.name === 'memgate_verdict').map((s) => s.labels.verdict)
    expect(await verdicts('aaaa1111')).toEqual(['pass'])
    expect(await verdicts('bbbb2222')).toEqual(['pass'])
    const heap = (await pushed('aaaa1111')).find(
      (s) => s.name === 'memgate_live_heap_growth_bytes_per_second'
    )
    expect(heap?.value).toBe(10)
  })

  it('warns in one line, naming pushgateway-url, when the gateway is not there or refuses', async () => {
    const registry = runRegistry(makeReport(), run('cccc3333'))
    const nobody = `http://127.0.0.1:${await freePort()}`
    const refused = await pushRun(registry, nobody, grouping(run('cccc3333')))
    expect(refused.warning).toMatch(
      new RegExp(
        `^pushgateway-url: ${nobody}/?: connect ECONNREFUSED .*; the run was not pushed, the verdict stands$`
      )
    )
    const wrongPath = await pushRun(registry, `${url}/not-a-gateway`, grouping(run('cccc3333')))
    expect(wrongPath.warning).toMatch(
      /^pushgateway-url: .*\/not-a-gateway: push failed with status 404.*the verdict stands$/
    )
    expect(wrongPath.warning).not.toContain('\n')
    expect(await pushed('cccc3333')).toEqual([])
  })
})
