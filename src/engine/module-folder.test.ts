import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkModuleFolder } from './module-folder.js'

let repo: string
beforeAll(() => {
  // A monorepo: services/api and services/billing are modules, the root is not.
  repo = mkdtempSync(join(tmpdir(), 'memgate-monorepo-'))
  for (const service of ['api', 'billing']) {
    mkdirSync(join(repo, 'services', service, 'cmd', 'server'), { recursive: true })
    writeFileSync(join(repo, 'services', service, 'go.mod'), `module example.com/${service}\n`)
  }
  mkdirSync(join(repo, 'services', 'api', 'vendor', 'x'), { recursive: true })
  writeFileSync(join(repo, 'services', 'api', 'vendor', 'x', 'go.mod'), 'module x\n')
  mkdirSync(join(repo, 'docs'))
})
afterAll(() => rmSync(repo, { recursive: true, force: true }))

describe('checkModuleFolder', () => {
  // Issue 22, item 7: from the root, the run relayed Go's `go mod init` advice.
  it('says to set working-directory, naming the folders that hold a go.mod', () => {
    expect(() => checkModuleFolder(repo, repo, {})).toThrow(
      `working-directory: no go.mod in ${repo} or above it; set working-directory to the folder of your service's go.mod (services/api, services/billing)`
    )
    expect(() => checkModuleFolder(join(repo, 'docs'), repo, {})).toThrow(
      "working-directory: no go.mod in docs or above it; set working-directory to the folder of your service's go.mod"
    )
  })

  it('names a folder outside the repository by its whole path', () => {
    expect(() => checkModuleFolder(join(repo, 'docs'), join(repo, 'services'), {})).toThrow(
      `working-directory: no go.mod in ${join(repo, 'docs')} or above it;`
    )
  })

  it('passes a module folder, and a folder inside a module, as Go finds the nearest go.mod above', () => {
    expect(() => checkModuleFolder(join(repo, 'services', 'api'), repo, {})).not.toThrow()
    expect(() => checkModuleFolder(join(repo, 'services', 'api', 'cmd', 'server'), repo, {})).not.toThrow()
  })

  it('leaves it to Go in GOPATH mode or with a go.work named elsewhere', () => {
    expect(() => checkModuleFolder(repo, repo, { GO111MODULE: 'off' })).not.toThrow()
    expect(() => checkModuleFolder(repo, repo, { GOWORK: '/elsewhere/go.work' })).not.toThrow()
    expect(() => checkModuleFolder(repo, repo, { GOWORK: 'off' })).toThrow(/no go\.mod/)
  })
})
