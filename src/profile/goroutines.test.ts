import type { Frame } from './profile.js'
import { summarizeGoroutines, waitReason } from './goroutines.js'
import { profile } from '../../test/fixtures/profiles.js'
import { marker } from '../../test/fixtures/services.js'

const stack = (...fns: string[]): Frame[] => fns.map((fn, i) => ({ function: fn, file: 'f.go', line: i + 1 }))

describe('waitReason', () => {
  it.each([
    [['runtime.gopark', 'runtime.chanrecv', 'runtime.chanrecv1', 'main.f'], 'channel receive'],
    [['runtime.gopark', 'runtime.chansend', 'runtime.chansend1', 'main.f'], 'channel send'],
    [['runtime.gopark', 'runtime.selectgo', 'main.f'], 'select'],
    [['runtime.gopark', 'runtime.block', 'main.f'], 'select (no cases)'],
    [
      [
        'runtime.gopark',
        'runtime.semacquire1',
        'sync.runtime_SemacquireWaitGroup',
        'sync.(*WaitGroup).Wait',
        'main.f'
      ],
      'WaitGroup'
    ],
    [
      [
        'runtime.gopark',
        'runtime.semacquire1',
        'internal/sync.runtime_SemacquireMutex',
        'internal/sync.(*Mutex).lockSlow',
        'sync.(*Mutex).Lock',
        'main.f'
      ],
      'mutex'
    ],
    [['runtime.gopark', 'sync.runtime_notifyListWait', 'sync.(*Cond).Wait', 'main.f'], 'condition variable'],
    [['runtime.gopark', 'time.Sleep', 'main.f'], 'sleep'],
    [
      ['runtime.gopark', 'runtime.netpollblock', 'internal/poll.runtime_pollWait', 'net.(*conn).Read'],
      'network I/O'
    ],
    [['main.spin', 'main.f'], undefined]
  ])('%j waits on %s', (fns, reason) => {
    const s = stack(...fns)
    expect(waitReason(s, s.length - 1)).toBe(reason)
  })
})

describe('summarizeGoroutines', () => {
  it('groups the leaked goroutines at the line they block on', () => {
    const g = summarizeGoroutines(profile('goroutine-leak/default-rate', 'end-goroutine.pb.gz'))
    const leak = marker('goroutine-leak')
    expect(g.groups[0]).toMatchObject({
      function: 'main.awaitResult',
      line: leak.line,
      waitReason: 'channel receive'
    })
    expect(g.groups[0].file.endsWith(leak.file)).toBe(true)
    expect(g.groups[0].count).toBeGreaterThan(100)
  })

  it('counts every goroutine exactly', () => {
    const p = profile('goroutine-leak/default-rate', 'end-goroutine.pb.gz')
    const g = summarizeGoroutines(p)
    expect(g.total).toBe(p.samples.reduce((n, s) => n + s.values[0], 0))
    // A goroutine that has not started yet has no stack: counted, but in no group.
    const grouped = g.groups.reduce((n, s) => n + s.count, 0)
    expect(grouped).toBeLessThanOrEqual(g.total)
    expect(grouped).toBeGreaterThanOrEqual(g.total - 1)
  })

  it('charges goroutines without own code to the function they began in, with what they wait in', () => {
    const g = summarizeGoroutines(profile('clean/default-rate', 'end-goroutine.pb.gz'))
    // A server connection and a client's readLoop both wait in net.(*netFD).Read: told apart here.
    // The idle connection waits at its read; the one serving this profile is running.
    const conns = g.groups.filter((x) => x.function === 'net/http.(*conn).serve')
    expect(conns.every((c) => c.entry === 'net/http.(*conn).serve')).toBe(true)
    expect(conns.map((c) => c.waitReason)).toContain('network I/O')
    expect(g.groups.find((x) => x.function === 'net.(*netFD).Read')).toBeUndefined()
    const listener = g.groups.find((x) => x.function === 'main.main')
    expect(listener?.waitReason).toBe('network I/O')
  })
})
