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
    const modules = [{ path: 'example.com/svc', dir: repoRoot }]
    expect(toRepoPath('net/http/server.go', { repoRoot, modules })).toBeUndefined()
  })

  it('maps -trimpath module paths through the module directory', () => {
    const layout = { repoRoot, modules: [{ path: 'example.com/svc', dir: `${repoRoot}/backend` }] }
    expect(toRepoPath('example.com/svc/internal/store/store.go', layout)).toBe(
      'backend/internal/store/store.go'
    )
    const atRoot = [{ path: 'example.com/svc', dir: repoRoot }]
    expect(toRepoPath('example.com/svc/main.go', { repoRoot, modules: atRoot })).toBe('main.go')
    expect(toRepoPath('example.com/svcx/main.go', layout)).toBeUndefined()
    expect(toRepoPath('example.com/svc/internal/x.go', { repoRoot })).toBeUndefined()
  })

  it('maps each module of a go.work workspace to its own folder, the longest path first', () => {
    const layout = {
      repoRoot,
      modules: [
        { path: 'example.com/ws/svc', dir: `${repoRoot}/svc` },
        { path: 'example.com/history', dir: `${repoRoot}/libs/history` },
        { path: 'example.com/ws/svc/tools', dir: `${repoRoot}/tools` }
      ]
    }
    expect(toRepoPath('example.com/history/history.go', layout)).toBe('libs/history/history.go')
    expect(toRepoPath('example.com/ws/svc/main.go', layout)).toBe('svc/main.go')
    expect(toRepoPath('example.com/ws/svc/tools/gen.go', layout)).toBe('tools/gen.go')
  })

  it('handles Windows paths as Go writes them', () => {
    expect(toRepoPath('C:/a/svc/main.go', { repoRoot: 'c:\\a\\svc' })).toBe('main.go')
    expect(toRepoPath('D:/a/svc/main.go', { repoRoot: 'C:\\a\\svc' })).toBeUndefined()
  })
})
