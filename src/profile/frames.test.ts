import {
  callPath,
  entryIndex,
  isRuntime,
  isStdlib,
  ownCode,
  ownerOf,
  packageOf,
  siteIndex
} from './frames.js'
import type { Frame } from './profile.js'

const frame = (fn: string, line = 1): Frame => ({ function: fn, file: `/src/${fn}.go`, line })

describe('packageOf', () => {
  it.each([
    ['main.handle.func1', 'main'],
    ['net/http.(*conn).serve', 'net/http'],
    ['strings.(*Builder).WriteString', 'strings'],
    ['example.com/svc/internal/cache.(*LRU).Add', 'example.com/svc/internal/cache'],
    ['example.com/svc.Map[go.shape.string,example.com/other.T].Put', 'example.com/svc']
  ])('%s is in %s', (fn, pkg) => expect(packageOf(fn)).toBe(pkg))
})

describe('isStdlib', () => {
  it.each([
    'runtime.mallocgc',
    'bytes.(*Buffer).grow',
    'internal/poll.(*FD).Read',
    'net/http.HandlerFunc.ServeHTTP'
  ])('%s is the standard library', (fn) => expect(isStdlib(fn)).toBe(true))
  it.each(['main.handle', 'example.com/x.New', 'github.com/a/b.(*T).M'])('%s is not', (fn) =>
    expect(isStdlib(fn)).toBe(false)
  )
})

describe('isRuntime', () => {
  it('covers the runtime, internal packages and runtime code linked elsewhere', () => {
    expect(isRuntime('runtime.gopark')).toBe(true)
    expect(isRuntime('internal/sync.(*Mutex).Lock')).toBe(true)
    expect(isRuntime('sync.runtime_notifyListWait')).toBe(true)
    expect(isRuntime('sync.(*Mutex).Lock')).toBe(false)
  })
})

describe('ownCode', () => {
  const at = (fn: string, file: string): Frame => ({ function: fn, file, line: 1 })
  const modcache = '/home/u/go/pkg/mod/github.com/gorilla/context@v1.1.1/context.go'

  it('without modules, is everything outside the standard library and the module cache', () => {
    const own = ownCode([])
    expect(own(frame('github.com/dep/x.F'))).toBe(true)
    expect(own(frame('strings.Repeat'))).toBe(false)
    expect(own(at('main.main.ClearHandler.func2', modcache))).toBe(false)
  })
  it("is decided by the file: a dependency's closure inlined into main is not own code", () => {
    const own = ownCode([{ path: 'example.com/svc', dir: '/repo/svc' }])
    expect(own(at('main.handle', '/repo/svc/main.go'))).toBe(true)
    expect(own(at('example.com/svc/internal/store.Put', '/repo/svc/internal/store/put.go'))).toBe(true)
    expect(own(at('main.main.ClearHandler.func2', modcache))).toBe(false)
    expect(own(at('github.com/dep/x.F', '/repo/svc/vendor/github.com/dep/x/x.go'))).toBe(false)
    expect(own(at('main.other', '/repo/svcother/main.go'))).toBe(false)
    expect(own(at('strings.Repeat', '/usr/local/go/src/strings/strings.go'))).toBe(false)
  })
  it('under -trimpath, by the module path the file starts with; dependencies carry @version', () => {
    const own = ownCode([{ path: 'example.com/svc', dir: '/repo/svc' }])
    expect(own(at('main.handle', 'example.com/svc/main.go'))).toBe(true)
    expect(own(at('example.com/svc/lib.F', 'example.com/svc/lib@v1.2.0/f.go'))).toBe(false)
    expect(own(at('github.com/dep/x.F', 'github.com/dep/x@v0.3.1/x.go'))).toBe(false)
    expect(own(at('strings.Repeat', 'strings/strings.go'))).toBe(false)
  })
  it('in a go.work workspace, is every module of it', () => {
    const own = ownCode([
      { path: 'example.com/ws/svc', dir: '/ws/svc' },
      { path: 'example.com/ws/history', dir: 'C:\\ws\\history' }
    ])
    expect(own(at('example.com/ws/history.(*History).Record', 'c:/ws/history/history.go'))).toBe(true)
    expect(own(at('main.handle', '/ws/svc/main.go'))).toBe(true)
    expect(own(at('example.com/ws/historyx.F', '/ws/historyx/x.go'))).toBe(false)
  })
})

describe('siteIndex and callPath', () => {
  const stack = [
    frame('runtime.mallocgc'),
    frame('strings.(*Builder).grow'),
    frame('strings.(*Builder).WriteString'),
    frame('main.handle', 22),
    frame('net/http.HandlerFunc.ServeHTTP'),
    frame('net/http.(*ServeMux).ServeHTTP'),
    frame('net/http.serverHandler.ServeHTTP')
  ]
  it('charges the innermost own frame, shown with how it got there', () => {
    const at = siteIndex(stack, ownCode([]))
    expect(stack[at].function).toBe('main.handle')
    expect(callPath(stack, at)).toEqual([
      'strings.(*Builder).grow /src/strings.(*Builder).grow.go:1',
      'strings.(*Builder).WriteString /src/strings.(*Builder).WriteString.go:1',
      'main.handle /src/main.handle.go:22',
      'net/http.HandlerFunc.ServeHTTP /src/net/http.HandlerFunc.ServeHTTP.go:1',
      'net/http.(*ServeMux).ServeHTTP /src/net/http.(*ServeMux).ServeHTTP.go:1'
    ])
  })
  it('without own code, charges the innermost library frame', () => {
    const own = ownCode([{ path: 'example.com/svc', dir: '/src/svc' }])
    const viaLibrary = [
      frame('runtime.mallocgc'),
      frame('bufio.NewWriterSize'),
      frame('go.uber.org/zap.New'),
      ...stack
    ]
    expect(viaLibrary[siteIndex(viaLibrary, own)].function).toBe('go.uber.org/zap.New')
    expect(ownerOf(viaLibrary[2], own)).toBe('library')
    expect(ownerOf(viaLibrary[1], own)).toBe('standard-library')
  })
  it('names the function a goroutine began in', () => {
    const loop = [
      frame('runtime.mallocgc'),
      frame('bufio.NewReaderSize'),
      frame('net/http.(*persistConn).readLoop'),
      frame('runtime.goexit')
    ]
    expect(entryIndex(loop)).toBe(2)
  })
  it('falls back to the innermost frame outside the runtime, then the root', () => {
    const noOwn = [frame('runtime.gopark'), frame('internal/poll.(*FD).Read'), frame('net.(*conn).Read')]
    expect(siteIndex(noOwn, ownCode([]))).toBe(2)
    expect(siteIndex([frame('runtime.main'), frame('runtime.goexit')], ownCode([]))).toBe(1)
    expect(siteIndex([], ownCode([]))).toBe(-1)
  })
})
