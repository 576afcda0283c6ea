// Secrets end to end: a real memgate run whose commands, URLs and env hold credentials
// prints none of them, on stdout or stderr, and writes none to --out.
import { jest } from '@jest/globals'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import { SERVICES } from './fixtures/services.js'
import { runCli } from './helpers/cli.js'

jest.setTimeout(120_000)

// Made-up secrets in the shapes of issue 21's, none valid anywhere.
const TOKEN = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
const HOOK = 'https://hooks.slack.com/services/T0/B0/slackHook77'
const SECRETS = [TOKEN, 'slackHook77', 'tgtPass99', 'tgtKey77', 'sekritBearer123', 'heyPass9', 'curlPass8']

it('shows no secret of the build, start and load commands, the target URL or env, anywhere', async () => {
  const port = await freePort()
  const out = mkdtempSync(join(tmpdir(), 'memgate-secrets-'))
  const target = `http://admin:tgtPass99@127.0.0.1:${port}/?api_key=tgtKey77`
  const result = await runCli([
    'run',
    '--working-directory',
    `${SERVICES}clean`,
    '--env',
    `ADDR=127.0.0.1:${port}`,
    '--env',
    `SLACK_WEBHOOK_URL=${HOOK}`,
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--target-url',
    target,
    '--build-command',
    `GITHUB_TOKEN=${TOKEN} go build -o "$MEMGATE_BINARY" .`,
    // The service's log and the load's log print what they were given.
    '--start-command',
    'echo "notifying $SLACK_WEBHOOK_URL"; exec "$MEMGATE_BINARY"',
    '--load-command',
    `: hey -a admin:heyPass9; echo "to $MEMGATE_TARGET_URL"; while :; do curl -s -u admin:curlPass8 -H 'Authorization: Bearer sekritBearer123' "$MEMGATE_TARGET_URL" >/dev/null; sleep 0.05; done`,
    '--duration',
    '10s',
    '--warmup',
    '2s',
    '--out',
    out
  ])
  expect(result.stderr).toMatch(/head: building GITHUB_TOKEN=\*\*\* go build/)
  // A verdict, whichever: 10 s of a curl loop may not be enough to pass the clean service.
  expect([0, 1]).toContain(result.code)
  const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())
  const names = files.map((f) => f.name)
  expect(names).toEqual(
    expect.arrayContaining(['report.json', 'report.md', 'metrics.txt', 'head-service.log', 'head-load.log'])
  )
  const serviceLog = readFileSync(join(out, 'logs', 'head-service.log'), 'utf8')
  expect(serviceLog).toContain('notifying ***')
  const texts = [
    `stdout: ${result.stdout}`,
    `stderr: ${result.stderr}`,
    ...files
      .filter((f) => !/\.(pb\.gz|svg)$/.test(f.name))
      .map((f) => `${f.name}: ${readFileSync(join(f.parentPath, f.name), 'utf8')}`)
  ]
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret)
})
