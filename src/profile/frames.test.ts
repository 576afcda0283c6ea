import { callPath, isRuntime, isStdlib, ownCode, packageOf, siteIndex } from './frames.js'
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
  it('without a module path, is everything outside the standard library', () => {
    const own = ownCode([])
    expect(own(frame('github.com/dep/x.F'))).toBe(true)
    expect(own(frame('strings.Repeat'))).toBe(false)
  })
  it('with a module path, is main and that module (even without a dot in its path)', () => {
    const own = ownCode(['svc'])
    expect(own(frame('svc/internal/store.Put'))).toBe(true)
    expect(own(frame('main.main'))).toBe(true)
    expect(own(frame('svcother.F'))).toBe(false)
    expect(own(frame('github.com/dep/x.F'))).toBe(false)
  })
  it('in a go.work workspace, is every module of it and their packages', () => {
    const own = ownCode(['example.com/ws/svc', 'example.com/ws/history'])
    expect(own(frame('example.com/ws/history.(*History).Record'))).toBe(true)
    expect(own(frame('example.com/ws/history/internal/ring.New'))).toBe(true)
    expect(own(frame('example.com/ws/svc/api.Serve'))).toBe(true)
    expect(own(frame('main.handle'))).toBe(true)
    expect(own(frame('example.com/ws/historyx.F'))).toBe(false)
    expect(own(frame('example.com/ws.F'))).toBe(false)
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
  it('falls back to the innermost frame outside the runtime, then the root', () => {
    const noOwn = [frame('runtime.gopark'), frame('internal/poll.(*FD).Read'), frame('net.(*conn).Read')]
    expect(siteIndex(noOwn, ownCode([]))).toBe(2)
    expect(siteIndex([frame('runtime.main'), frame('runtime.goexit')], ownCode([]))).toBe(1)
    expect(siteIndex([], ownCode([]))).toBe(-1)
  })
})
