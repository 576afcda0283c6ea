// The reproduce line of a demo-like report, run as printed: a POSIX shell reads it, and the
// CLI's own argument handling (arguments.ts, then commander) turns it back into the Config
// that was measured, each secret taken from the reader's shell.
import { jest } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Config } from '../src/config.js'

const captured: Config[] = []
jest.unstable_mockModule('../src/gate/gate.js', () => ({
  runGate: (config: Config) => {
    captured.push(config)
    throw new Error('measured elsewhere')
  },
  withRedactor: () => undefined
}))
const { main } = await import('../src/cli/main.js')
const { describeConfig, parseConfig } = await import('../src/config.js')
const { FIXTURES } = await import('../src/demo.js')
const { present } = await import('../src/report/present.js')
const { makeReport } = await import('./fixtures/reports.js')

/** The demo's leaking run (src/demo.ts) with its folder given absolute, a secret, and a value a shell would split. */
const raw = {
  baseline: '/tmp/memgate demo/clean/report.json',
  'working-directory': join(FIXTURES, 'heap-leak'),
  env: "ADDR=127.0.0.1:43117\nLEAK_BYTES=256\nDB_PASSWORD=hunter2-secret\nGREETING=it's me",
  'pprof-url': 'http://127.0.0.1:43117/debug/pprof',
  warmup: '12s',
  duration: '20s'
}

const sink = { write: () => true }

describe("a demo run's reproduce line", () => {
  const line = present(makeReport({ config: describeConfig(raw) })).reproduce as string

  it('never holds the secret, and names the module folder', () => {
    expect(line).not.toContain('hunter2')
    expect(line).toContain(`--working-directory ${join(FIXTURES, 'heap-leak')}`)
    expect(line).toContain('--env "DB_PASSWORD=$DB_PASSWORD"')
  })

  it('is read by sh as it is printed', () => {
    expect(() => execFileSync('sh', ['-n', '-c', line])).not.toThrow()
  })

  it('parses back to the Config that was measured, the secret from the shell', async () => {
    // npx stands in for a function that prints the words it is given: the line runs unchanged.
    const words = execFileSync('sh', ['-c', `npx() { printf '%s\\0' "$@"; }\n${line}`], {
      env: { PATH: process.env.PATH, DB_PASSWORD: '$DB_PASSWORD' },
      encoding: 'utf8'
    })
      .split('\0')
      .slice(1, -1)
    expect(words[0]).toBe('run')
    captured.length = 0
    expect(await main(words, { stdout: sink, stderr: sink })).toBe(2)
    expect(captured).toEqual([
      parseConfig({ ...raw, env: raw.env.replace('hunter2-secret', '$DB_PASSWORD') })
    ])
  })
})
