import { goroutineOrigins, parseGoroutineText } from './goroutine-text.js'
import { summarizeGoroutines } from './goroutines.js'
import { buildRoot, profile, text } from '../../test/fixtures/profiles.js'
import { lineOf, marker } from '../../test/fixtures/services.js'

describe('parseGoroutineText', () => {
  it('joins the debug=2 dump to the binary profile by the blocking line', () => {
    const run = 'goroutine-leak/default-rate'
    const groups = parseGoroutineText(text(run, 'end-goroutine.txt'))
    const leak = marker('goroutine-leak')
    const file = groups[0].file
    expect(groups[0]).toMatchObject({
      function: 'main.awaitResult',
      line: leak.line,
      waitReason: 'chan receive',
      createdBy: `main.handle ${file}:${lineOf('goroutine-leak', 'go awaitResult(')}`,
      leakedCount: 0
    })
    expect(file.endsWith(leak.file)).toBe(true)
    // The dump is taken right after the profile, under the same steady load.
    const proto = summarizeGoroutines(profile(run, 'end-goroutine.pb.gz')).groups[0]
    expect(Math.abs(groups[0].count - proto.count)).toBeLessThanOrEqual(2)
  })

  it('reads the leak marks of the goroutineleak dump', () => {
    const groups = parseGoroutineText(text('goroutine-leak/leakprofile', 'end-goroutineleak.txt'))
    expect(groups[0].line).toBe(marker('goroutine-leak').line)
    expect(groups[0].leakedCount).toBe(groups[0].count)
    expect(groups[0].waitReason).toBe('chan receive')
    expect(groups.slice(1).every((g) => g.leakedCount === 0)).toBe(true)
  })

  it('reads wait times, thread locks, inlined calls and elided frames', () => {
    const dump = [
      'goroutine 7 [select, 12 minutes, locked to thread]:',
      'main.(*worker).loop(0xc000010000)',
      '\t/src/svc/worker.go:40 +0x1a5',
      'main.run(...)',
      '\t/src/svc/main.go:12',
      '...additional frames elided...',
      'created by main.start in goroutine 1',
      '\t/src/svc/main.go:9 +0x55',
      '',
      'goroutine 8 [select]:',
      'main.(*worker).loop(0xc000010100)',
      '\t/src/svc/worker.go:40 +0x1a5',
      'created by main.start in goroutine 1',
      '\t/src/svc/main.go:9 +0x55',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/src/svc/main.go:20 +0x10',
      ''
    ].join('\n')
    expect(parseGoroutineText(dump)).toEqual([
      {
        function: 'main.(*worker).loop',
        file: '/src/svc/worker.go',
        line: 40,
        count: 2,
        waitReason: 'select',
        createdBy: 'main.start /src/svc/main.go:9',
        maxWaitMinutes: 12,
        leakedCount: 0
      },
      {
        function: 'main.main',
        file: '/src/svc/main.go',
        line: 20,
        count: 1,
        waitReason: 'running',
        createdBy: undefined,
        maxWaitMinutes: 0,
        leakedCount: 0
      }
    ])
  })
})

describe('goroutineOrigins', () => {
  const modules = (fixture: string) => [
    { path: `example.com/memgate-fixtures/${fixture}`, dir: `${buildRoot}/test/fixtures/services/${fixture}` }
  ]
  const originOf = (run: string, entry: string) =>
    goroutineOrigins(text(run, 'end-goroutine.txt'), { modules: modules(run.split('/')[0]) }).find(
      (o) => o.entry === entry
    )

  it("links the Transport's goroutines to the handler line that called the client (tracebackancestors)", () => {
    const run = 'http-body-leak/ancestors'
    const readLoop = originOf(run, 'net/http.(*persistConn).readLoop')
    expect(readLoop?.createdBy).toMatch(/^net\/http\.\(\*Transport\)\.dialConn /)
    // Ancestors record return addresses: the line after the call can be named.
    expect(readLoop?.origin?.function).toBe('main.handle')
    expect(readLoop?.origin?.line).toBeGreaterThanOrEqual(marker('http-body-leak').line)
    expect(readLoop?.origin?.line).toBeLessThanOrEqual(marker('http-body-leak').line + 1)
    // The dialer has exited; the goroutines it started still carry it as an ancestor.
    expect(originOf(run, 'net/http.(*Transport).startDialConnForLocked.func1')?.origin).toEqual(
      readLoop?.origin
    )
    // The server's connections go back to main's ListenAndServe, each counted once.
    expect(originOf(run, 'net/http.(*conn).serve')).toMatchObject({
      count: expect.any(Number),
      origin: { function: 'main.main', line: lineOf('http-body-leak', 'http.ListenAndServe(') }
    })
    expect(originOf(run, 'net/http.(*conn).serve')!.count).toBeLessThan(20)
  })

  it('without ancestors, knows only the go statement of the standard library', () => {
    const readLoop = originOf('http-body-leak/memprofilerate-4096', 'net/http.(*persistConn).readLoop')
    expect(readLoop?.origin).toBeUndefined()
    expect(readLoop?.createdBy).toMatch(/^net\/http\.\(\*Transport\)\.dialConn /)
  })

  it("keeps ancestors' frames out of the goroutine's own stack", () => {
    const groups = parseGoroutineText(text('http-body-leak/ancestors', 'end-goroutine.txt'), {
      modules: modules('http-body-leak')
    })
    const plain = parseGoroutineText(text('http-body-leak/memprofilerate-4096', 'end-goroutine.txt'), {
      modules: modules('http-body-leak')
    })
    const functions = (gs: typeof groups) => new Set(gs.filter((g) => g.count > 50).map((g) => g.function))
    expect(functions(groups)).toEqual(functions(plain))
    expect(functions(groups)).toContain('net/http.(*persistConn).readLoop')
  })
})
