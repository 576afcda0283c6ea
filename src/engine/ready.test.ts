import { addressesToTry, decideReady, failureWords, listenFailure, type ReadyObservation } from './ready.js'

const INDEX = '<html>Types of profiles available:</html>'
const seen = (o: Partial<ReadyObservation>): ReadyObservation => ({
  input: 'pprof-url',
  url: 'http://127.0.0.1:6060/debug/pprof/',
  answer: { error: 'ECONNREFUSED' },
  named: [],
  listenFailure: null,
  elapsedMs: 100,
  timeoutMs: 60_000,
  ...o
})

describe('decideReady', () => {
  it('is ready when pprof-url serves the index, or metrics-url answers 2xx', () => {
    expect(decideReady(seen({ answer: { status: 200, page: INDEX } }))).toEqual({ kind: 'ready' })
    expect(
      decideReady(
        seen({
          input: 'metrics-url',
          url: 'http://127.0.0.1:9090/metrics',
          answer: { status: 200, page: '' }
        })
      )
    ).toEqual({ kind: 'ready' })
  })

  it('fails at the first 404: the service answers, pprof is not imported', () => {
    expect(decideReady(seen({ answer: { status: 404, page: '404 page not found' } }))).toEqual({
      kind: 'fail',
      message:
        'pprof-url: the service answers at 127.0.0.1:6060 but not /debug/pprof/: import net/http/pprof (or serve its handlers there)'
    })
  })

  it('fails at once when a catch-all handler answers without the index', () => {
    expect(decideReady(seen({ answer: { status: 200, page: 'ok' } }))).toMatchObject({
      kind: 'fail',
      message: expect.stringContaining('answers, but not with the net/http/pprof index') as unknown
    })
  })

  // Each: what was seen, the last elapsed time that still waits, the first that fails, and the line.
  it.each<[string, Partial<ReadyObservation>, number, number, string]>([
    [
      "nothing listens: waited out, then in words, with the addresses the service names (not Go's :80 it was not seen at)",
      {
        named: [
          { address: '127.0.0.1:8080', said: true, servesPprof: false },
          { address: '127.0.0.1:80', said: false, servesPprof: false }
        ]
      },
      59_000,
      60_000,
      'pprof-url: nothing listens on 127.0.0.1:6060 within ready-timeout (60s); the service says it listens on 127.0.0.1:8080; check that the service imports net/http/pprof and listens there, or raise ready-timeout'
    ],
    [
      'pprof served at another address the service names, once the grace is over',
      { named: [{ address: '127.0.0.1:7070', said: true, servesPprof: true }] },
      1000,
      2000,
      'pprof-url: nothing serves pprof at 127.0.0.1:6060, but the service does at 127.0.0.1:7070: set pprof-url to http://127.0.0.1:7070/debug/pprof'
    ],
    [
      "pprof at Go's address for an empty one (:80), asking whether the service's variable is set",
      { named: [{ address: '127.0.0.1:80', said: false, servesPprof: true }] },
      1000,
      2000,
      "pprof-url: nothing serves pprof at 127.0.0.1:6060, but the service does at 127.0.0.1:80, where Go listens when given an empty address: set the service's pprof address (is its variable set?), or pprof-url to http://127.0.0.1:80/debug/pprof"
    ],
    [
      'a listener the service says it could not open (PPROF_ADDR unset, without root)',
      { listenFailure: 'listen tcp :80: bind: permission denied' },
      1000,
      2000,
      'pprof-url: nothing listens on 127.0.0.1:6060, and the service says "listen tcp :80: bind: permission denied"; check the address the service listens on for pprof-url'
    ]
  ])('%s', (_, observed, waits, fails, message) => {
    expect(decideReady(seen({ ...observed, elapsedMs: waits }))).toEqual({ kind: 'wait' })
    expect(decideReady(seen({ ...observed, elapsedMs: fails }))).toEqual({ kind: 'fail', message })
  })

  it('waits out other statuses, and names the last one', () => {
    const answer = { status: 503, page: '' }
    expect(decideReady(seen({ answer }))).toEqual({ kind: 'wait' })
    expect(decideReady(seen({ answer, elapsedMs: 60_000 }))).toMatchObject({
      message: expect.stringMatching(
        /^pprof-url: 127\.0\.0\.1:6060 answered HTTP 503 within ready-timeout \(60s\);/
      ) as unknown
    })
  })
})

describe('failureWords', () => {
  it("puts errno codes in words, never Node's", () => {
    expect(failureWords('ECONNREFUSED', 'h:1')).toBe('nothing listens on h:1')
    expect(failureWords('TIMEOUT', 'h:1')).toBe('h:1 accepted no request')
    expect(failureWords('ENOTFOUND', 'h:1')).toBe('the host of h:1 is not found')
    expect(failureWords('EWEIRD', 'h:1')).toBe('no answer from h:1 (EWEIRD)')
  })
})

describe('listenFailure', () => {
  it("finds Go's line for a listener it could not open, and none in other lines", () => {
    expect(listenFailure('pprof on \n2026/12/07 03:00:00 listen tcp :80: bind: permission denied\n')).toBe(
      'listen tcp :80: bind: permission denied'
    )
    expect(listenFailure('listening on 127.0.0.1:8080\nlisten tcp is a phrase')).toBeNull()
  })
})

describe('addressesToTry', () => {
  const url = 'http://127.0.0.1:6060/debug/pprof/'
  it("finds the local ports a service's output names, on the ready URL's host, not its own port", () => {
    const output = [
      '2026/12/07 faulty listening on 127.0.0.1:8080',
      'pprof on :7070',
      'also 0.0.0.0:9090 and localhost:9091',
      'listening on 127.0.0.1:6060',
      'upstream db.example.com:5432, 10.1.2.3:80'
    ].join('\n')
    expect(addressesToTry(output, url)).toEqual([
      { address: '127.0.0.1:8080', said: true },
      { address: '127.0.0.1:7070', said: true },
      { address: '127.0.0.1:9090', said: true },
      { address: '127.0.0.1:80', said: false }
    ])
  })

  it('finds none in a line without a port, such as "pprof on ", and tries Go\'s :80 but on port 80 itself', () => {
    expect(addressesToTry('pprof on \nlisten tcp: address 12:30: missing', url)).toEqual([
      { address: '127.0.0.1:80', said: false }
    ])
    expect(addressesToTry('pprof on ', 'http://127.0.0.1/debug/pprof/')).toEqual([])
  })
})
