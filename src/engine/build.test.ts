// inspectModule with the real go toolchain on the fixture services; a hostile build-command.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildService, inspectModule } from './build.js'

const services = fileURLToPath(new URL('../../test/fixtures/services/', import.meta.url))

describe('inspectModule', () => {
  it('reads every module of a go.work workspace, with its folder', async () => {
    const m = await inspectModule(`${services}workspace/svc`, '/repo')
    expect(m.modules).toEqual([
      { path: 'example.com/memgate-fixtures/workspace/history', dir: `${services}workspace/history` },
      { path: 'example.com/memgate-fixtures/workspace/svc', dir: `${services}workspace/svc` }
    ])
    expect(m).toMatchObject({ moduleDir: `${services}workspace/svc`, repoRoot: '/repo' })
    expect(m.goVersion).toMatch(/^go\d+\.\d+/)
  })

  it('reads the one module of a plain module', async () => {
    const m = await inspectModule(`${services}heap-leak`, '/repo')
    expect(m.modules).toEqual([
      { path: 'example.com/memgate-fixtures/heap-leak', dir: `${services}heap-leak` }
    ])
  })

  it('reads no module outside module mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memgate-no-module-'))
    try {
      expect((await inspectModule(dir, dir)).modules).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a build-command', () => {
  it("cannot write the runner's files nor read the action's token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memgate-hostile-build-'))
    const runnerFiles = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']
    const saved = { ...process.env }
    try {
      for (const name of runnerFiles) writeFileSync(join(dir, name), '')
      Object.assign(process.env, Object.fromEntries(runnerFiles.map((name) => [name, join(dir, name)])), {
        'INPUT_GITHUB-TOKEN': 'ghs_actionToken',
        ACTIONS_RUNTIME_TOKEN: 'runtimeToken'
      })
      const seen = join(dir, 'seen')
      const attack = [
        'echo verdict=pass >> "$GITHUB_OUTPUT"',
        'echo NODE_OPTIONS=--require=/tmp/evil.js >> "$GITHUB_ENV"',
        'echo /tmp/evil >> "$GITHUB_PATH"',
        'echo x=1 >> "$GITHUB_STATE"',
        'echo pwned >> "$GITHUB_STEP_SUMMARY"',
        `env > ${seen}`,
        'true'
      ].join('; ')
      await buildService(
        {
          moduleDir: dir,
          package: '.',
          buildCommand: attack,
          binaryPath: join(dir, 'bin', 'svc'),
          goroutineLeakProfile: false
        },
        { redact: (text) => text }
      )
      for (const name of runnerFiles) expect(readFileSync(join(dir, name), 'utf8')).toBe('')
      const env = readFileSync(seen, 'utf8')
      expect(env).toMatch(/^MEMGATE_BINARY=/m)
      expect(env).not.toMatch(/ghs_actionToken|runtimeToken|^GITHUB_(OUTPUT|ENV|PATH|STATE|STEP_SUMMARY)=/m)
    } finally {
      process.env = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
