// Known leak signatures end to end: the misuse service (a real net/http client and server,
// a real context tree) built, run under load and named by the CLI, cause and fix on the
// comment's first screen at the line to change; database/sql with pgx against a real
// PostgreSQL (a throwaway cluster, test/fixtures/postgres.ts). Every mode against captured profiles:
// src/analysis/signatures.test.ts; every mode through the gate: npm run bench:signatures.
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { withPostgres } from './fixtures/postgres.js'
import { lineOf, SERVICES } from './fixtures/services.js'
import { groupAlive, groupsStarted, runCli } from './helpers/cli.js'

jest.setTimeout(120_000)

async function runMode(
  mode: string,
  { env = [], rate = '50' }: { env?: string[]; rate?: string } = {}
): Promise<{ code: number | null; report: Report; markdown: string; stderr: string }> {
  const port = await freePort()
  const out = mkdtempSync(join(tmpdir(), 'memgate-signatures-'))
  const result = await runCli([
    'run',
    ...['--working-directory', `${SERVICES}misuse`],
    ...['--env', `ADDR=127.0.0.1:${port}`, '--env', `MISUSE=${mode}`],
    ...env.flatMap((e) => ['--env', e]),
    ...['--pprof-url', `http://127.0.0.1:${port}/debug/pprof`],
    ...['--out', out, '--rate', rate, '--warmup', '2s', '--duration', '8s']
  ])
  return {
    code: result.code,
    report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report,
    markdown: readFileSync(join(out, 'report.md'), 'utf8'),
    stderr: result.stderr
  }
}

type Run = Awaited<ReturnType<typeof runMode>>

/**
 * The run failed and named `kind` at the mode's marked line in `fn`, with `evidence`; its
 * cause and fix on the first screen, above the tables; nothing it started left running.
 */
function expectNamed(
  { code, report, markdown, stderr }: Run,
  mode: string,
  expected: { kind: string; function: string; evidence: string; words: string }
) {
  expect(code).toBe(1)
  expect(report.verdict).toBe('fail')
  const [signature] = report.runs.head.attribution!.signatures!
  const line = lineOf('misuse', `// memgate:misuse ${mode}`)
  expect(signature).toMatchObject({
    kind: expected.kind,
    site: { function: expected.function, repoPath: 'test/fixtures/services/misuse/main.go', line },
    evidence: expected.evidence
  })
  const firstScreen = markdown.slice(0, markdown.indexOf('\n|'))
  expect(firstScreen).toContain(
    `- Known misuse: ${expected.words} (\`test/fixtures/services/misuse/main.go:${line}\`)`
  )
  for (const pgid of groupsStarted(stderr)) expect(groupAlive(pgid)).toBe(false)
  return signature
}

describe('known leak signatures through the CLI', () => {
  it('names an unclosed response body, the library goroutines that hold it, and the client call to fix', async () => {
    const signature = expectNamed(await runMode('body-not-closed'), 'body-not-closed', {
      kind: 'response-body-not-closed',
      function: 'main.getStatus',
      evidence: 'net/http.(*persistConn).readLoop',
      words:
        'an HTTP response body is not closed, so each request keeps its connection open: close it after reading (defer resp.Body.Close())'
    })
    expect(signature.goroutineGrowth).toBeGreaterThan(50)
  })

  // One PostgreSQL connection (and server process) a request: 20/s keeps it to ~200.
  it('names rows not closed, each holding a PostgreSQL connection, at the query to fix', async () => {
    const run = await withPostgres((url) =>
      runMode('rows-not-closed', { env: [`DATABASE_URL=${url}`], rate: '20' })
    )
    expectNamed(run, 'rows-not-closed', {
      kind: 'rows-not-closed',
      function: 'main.firstValue',
      evidence: 'database/sql.(*DB).conn',
      words:
        'rows are not closed, so each query keeps a connection (and a database server process) and the pool grows without bound: defer rows.Close()'
    })
  })
})
