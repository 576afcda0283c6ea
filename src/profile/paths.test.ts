import { toRepoPath } from './paths.js'

describe('toRepoPath', () => {
  const repoRoot = '/home/runner/work/svc/svc'

  it('makes absolute build paths inside the repository relative', () => {
    expect(toRepoPath('/home/runner/work/svc/svc/cmd/api/main.go', { repoRoot })).toBe('cmd/api/main.go')
    expect(toRepoPath('/home/runner/work/svc/svc/main.go', { repoRoot: `${repoRoot}/` })).toBe('main.go')
  })

  it('leaves out files outside the repository', () => {
    expect(toRepoPath('/usr/local/go/src/net/http/server.go', { repoRoot })).toBeUndefined()
    expect(toRepoPath('/home/runner/go/pkg/mod/github.com/a/b@v1.0.0/b.go', { repoRoot })).toBeUndefined()
    expect(toRepoPath('/home/runner/work/svc/svc-other/main.go', { repoRoot })).toBeUndefined()
    expect(toRepoPath('net/http/server.go', { repoRoot, modulePath: 'example.com/svc' })).toBeUndefined()
  })

  it('maps -trimpath module paths through the module directory', () => {
    const layout = { repoRoot, modulePath: 'example.com/svc', moduleDir: `${repoRoot}/backend` }
    expect(toRepoPath('example.com/svc/internal/store/store.go', layout)).toBe(
      'backend/internal/store/store.go'
    )
    expect(toRepoPath('example.com/svc/main.go', { repoRoot, modulePath: 'example.com/svc' })).toBe('main.go')
    expect(toRepoPath('example.com/svcx/main.go', layout)).toBeUndefined()
    expect(toRepoPath('example.com/svc/internal/x.go', { repoRoot })).toBeUndefined()
  })

  it('handles Windows paths as Go writes them', () => {
    expect(toRepoPath('C:/a/svc/main.go', { repoRoot: 'c:\\a\\svc' })).toBe('main.go')
    expect(toRepoPath('D:/a/svc/main.go', { repoRoot: 'C:\\a\\svc' })).toBeUndefined()
  })
})
