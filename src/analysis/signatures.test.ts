import { readFileSync } from 'node:fs'
import { diffHeap } from '../profile/diff.js'
import { parseGoroutineText } from '../profile/goroutine-text.js'
import { summarizeGoroutines } from '../profile/goroutines.js'
import { summarizeHeap } from '../profile/heap.js'
import { buildRoot, profile, text } from '../../test/fixtures/profiles.js'
import { lineOf, SERVICES } from '../../test/fixtures/services.js'
import type { SignatureKind } from '../model.js'
import { attributeGoroutines } from './attribution.js'
import { detectSignatures } from './signatures.js'

const layout = { repoRoot: buildRoot }

/** The signatures of a captured run, as run.ts finds them: the heap diff and the grown goroutine groups. */
function signaturesOf(run: string) {
  const heap = (phase: string) => summarizeHeap(profile(run, `${phase}-heap.pb.gz`))
  const goroutines = (phase: string) => summarizeGoroutines(profile(run, `${phase}-goroutine.pb.gz`))
  const groups = attributeGoroutines(goroutines('start'), goroutines('end'), 8, {
    layout,
    text: parseGoroutineText(text(run, 'end-goroutine.txt'))
  })
  return detectSignatures(diffHeap(heap('start'), heap('end')), groups, layout)
}

/**
 * The line a developer changes: the misuse's, or, where a library object is made anew a
 * request, the call into it, when the object itself (one small allocation a request) is too
 * rarely sampled to be seen (3 requests/s, 8 s here).
 */
function linesToChange(mode: string): number[] {
  const calls = readFileSync(`${SERVICES}misuse/main.go`, 'utf8').includes(`// memgate:calls ${mode}`)
  return [
    lineOf('misuse', `// memgate:misuse ${mode}`),
    ...(calls ? [lineOf('misuse', `// memgate:calls ${mode}`)] : [])
  ]
}

// Each mode of the misuse service (test/fixtures/services/misuse), its signature and the
// line its marker comment names: the line a developer changes.
const MODES: Array<[mode: string, kind: SignatureKind]> = [
  ['body-not-closed', 'response-body-not-closed'],
  ['transport-per-request', 'transport-per-request'],
  ['context-not-cancelled', 'context-not-cancelled'],
  ['afterfunc-not-stopped', 'timer-not-stopped'],
  ['request-kept', 'request-kept'],
  ['metric-label', 'metric-label-unbounded'],
  ['zap-syncer-per-request', 'write-syncer-not-stopped'],
  // database/sql with pgx against a real PostgreSQL, 20 requests/s.
  ['sql-open-per-request', 'sql-open-per-request'],
  ['rows-not-closed', 'rows-not-closed']
]

describe('detectSignatures on real profiles of real libraries', () => {
  it.each(MODES)('%s: tells %s, at the marked line, and nothing else', (mode, kind) => {
    const signatures = signaturesOf(`misuse/${mode}`)
    expect(signatures.map((s) => s.kind)).toEqual([kind])
    const [s] = signatures
    expect(s.site?.repoPath).toBe('test/fixtures/services/misuse/main.go')
    expect(linesToChange(mode)).toContain(s.site?.line)
    expect(s.heapBytesGrowth).toBeGreaterThan(0)
  })

  // ~24 requests each at 3/s: readLoops waiting for an unread body, or idle connections'
  // writeLoops, one pool each (their Transports' set-up barely clears the heap's noise).
  it("tells an unread body from a Transport per request by the connections' loops", () => {
    const [body] = signaturesOf('misuse/body-not-closed')
    expect(body.goroutineGrowth).toBeGreaterThanOrEqual(20)
    expect(body.evidence).toBe('net/http.(*persistConn).readLoop')
    const [transport] = signaturesOf('misuse/transport-per-request')
    expect([
      'net/http.(*persistConn).writeLoop',
      'net/http.(*Transport).onceSetNextProtoDefaults',
      'net/http.(*Transport).tryPutIdleConn',
      'net/http.(*Transport).queueForIdleConn'
    ]).toContain(transport.evidence)
    expect(transport.goroutineGrowth).toBeGreaterThanOrEqual(20)
  })

  // ~160 requests each: a handle per request leaves its connection opener waiting (and its
  // idle connection); a query whose rows stay open keeps its connection, no goroutine of its own.
  it('tells a database handle per request from rows not closed by the connection openers', () => {
    const [handle] = signaturesOf('misuse/sql-open-per-request')
    expect(handle.evidence).toBe('database/sql.(*DB).connectionOpener')
    expect(handle.goroutineGrowth).toBeGreaterThanOrEqual(100)
    const [rows] = signaturesOf('misuse/rows-not-closed')
    expect(rows).toMatchObject({ evidence: 'database/sql.(*DB).conn', goroutineGrowth: 0 })
    // Each held connection is a pgx connection: its statement caches and buffers, tens of KiB.
    expect(rows.heapBytesGrowth).toBeGreaterThan(100 * 16 * 1024)
  })

  it.each([
    'misuse/correct',
    'misuse/correct-postgres',
    'clean/default-rate',
    'clean/memprofilerate-1',
    'heap-leak/default-rate',
    'heap-leak/memprofilerate-1',
    'closure-leak/memprofilerate-4096',
    'builder-leak/memprofilerate-1',
    'goroutine-leak/memprofilerate-4096',
    'misuse-clients/correct',
    // No leak: nothing keeps a go-redis v9 client, so the GC takes it and its connection.
    'misuse-clients/redis-client-per-request'
  ])('tells none in %s', (run) => {
    expect(signaturesOf(run)).toEqual([])
  })
})

// Each mode of the client-library misuse service (test/fixtures/services/misuse-clients:
// grpc, OpenTelemetry), 20 requests/s for 12 s: ~240 objects made and kept.
const CLIENT_MODES: Array<[mode: string, kind: SignatureKind, goroutineGrowth: number]> = [
  // Three serializers a ClientConn.
  ['grpc-conn-per-request', 'grpc-conn-per-request', 200],
  ['tracer-provider-per-request', 'tracer-provider-per-request', 200]
]

describe('detectSignatures on real profiles of client libraries', () => {
  it.each(CLIENT_MODES)(
    '%s: tells %s at the marked line, and nothing else',
    (mode, kind, goroutineGrowth) => {
      const signatures = signaturesOf(`misuse-clients/${mode}`)
      expect(signatures.map((s) => s.kind)).toEqual([kind])
      const [s] = signatures
      expect(s.site?.repoPath).toBe('test/fixtures/services/misuse-clients/main.go')
      expect(s.site?.line).toBe(lineOf('misuse-clients', `// memgate:misuse ${mode}`))
      expect(s.heapBytesGrowth).toBeGreaterThan(0)
      expect(s.goroutineGrowth).toBeGreaterThanOrEqual(goroutineGrowth)
    }
  )
})

describe('detectSignatures on stacks', () => {
  const frame = (fn: string, file = '/usr/local/go/src/x.go', line = 1) => ({ function: fn, file, line })
  const stack = (bytes: number, ...frames: ReturnType<typeof frame>[]) => ({
    frames,
    siteAt: 0,
    // Who owns the site frame: detectSignatures reads the frames, not this.
    owner: 'standard-library' as const,
    bytes,
    objects: bytes / 64,
    varianceBytes2: bytes * 64
  })
  const own = frame('main.handle', `${buildRoot}/svc/main.go`, 42)

  it('leaves out a context the library made itself: no service frame called it', () => {
    const diff = {
      stacks: [
        stack(
          1 << 20,
          frame('context.withCancel'),
          frame('context.WithCancel'),
          frame('net/http.(*conn).serve')
        )
      ]
    }
    expect(detectSignatures(diff, [], layout)).toEqual([])
  })

  it('names the service frame that called the library, not the ones below it', () => {
    const diff = {
      stacks: [
        stack(1 << 20, frame('time.newTimer'), frame('time.AfterFunc'), own, frame('net/http.(*conn).serve'))
      ]
    }
    expect(detectSignatures(diff, [], layout)).toEqual([
      {
        kind: 'timer-not-stopped',
        site: { function: 'main.handle', file: own.file, line: 42, repoPath: 'svc/main.go' },
        heapBytesGrowth: 1 << 20,
        goroutineGrowth: 0,
        evidence: 'time.AfterFunc'
      }
    ])
  })

  it("names the line that made the Transport, when the Transports' own set-up grows past the noise", () => {
    const fetch = frame('main.fetch', own.file, 94)
    const handle = (line: number) => frame('main.handle', own.file, line)
    const diff = {
      stacks: [
        stack(
          1 << 20,
          frame('net/http.(*Transport).onceSetNextProtoDefaults'),
          frame('net/http.(*Transport).roundTrip'),
          frame('net/http.(*Client).Get'),
          fetch,
          handle(56)
        ),
        // The Transport itself: one object a request, in the handler that made it.
        stack(8192, handle(55), frame('net/http.(*conn).serve')),
        stack(4096, frame('main.other', own.file, 10))
      ]
    }
    const [signature] = detectSignatures(diff, [], layout)
    expect(signature).toMatchObject({
      kind: 'transport-per-request',
      site: { function: 'main.handle', line: 55 },
      evidence: 'net/http.(*Transport).onceSetNextProtoDefaults'
    })
  })

  it("does not read a shared ClientConn's growth under its calls as a ClientConn per request", () => {
    const call = frame('main.check', own.file, 80)
    const underCall = stack(
      1 << 20,
      frame('time.AfterFunc'),
      frame('google.golang.org/grpc.(*ClientConn).Invoke'),
      call
    )
    expect(detectSignatures({ stacks: [underCall] }, [], layout)).toEqual([])
    // The same growth with ClientConns made at a service line: named at that line.
    const made = stack(1 << 16, frame('google.golang.org/grpc.NewClient'), own)
    expect(detectSignatures({ stacks: [underCall, made] }, [], layout)).toEqual([
      expect.objectContaining({
        kind: 'grpc-conn-per-request',
        site: expect.objectContaining({ line: 42 }),
        heapBytesGrowth: (1 << 20) + (1 << 16)
      })
    ])
  })

  it('says nothing of growth within the sampling noise', () => {
    const diff = { stacks: [{ ...stack(4096, frame('time.AfterFunc'), own), varianceBytes2: 4096 * 4096 }] }
    expect(detectSignatures(diff, [], layout)).toEqual([])
  })
})
