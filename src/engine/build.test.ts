// inspectModule with the real go toolchain on the fixture services.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspectModule } from './build.js'

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
