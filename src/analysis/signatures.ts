// Known leak signatures: misuses of the standard library and of common libraries that
// their profiles tell apart (which functions the growing stacks pass through, which
// goroutines pile up), each with the service's line to change. Numbers and enums only;
// report/signatures.ts says the cause and the fix.
import type { GoroutineGroup, LeakSignature, SignatureKind } from '../model.js'
import type { HeapDiff } from '../profile/diff.js'
import { frameString, isRuntime } from '../profile/frames.js'
import type { HeapStack } from '../profile/heap.js'
import { toRepoPath, type RepoLayout } from '../profile/paths.js'
import type { Frame } from '../profile/profile.js'
import { isWithinNoise } from './attribution.js'

/** What a stack passes through, in the order stacks are claimed (the first that matches). */
type Tell =
  | 'transport-made'
  | 'connection'
  | 'client-call'
  | 'write-syncer'
  | 'context-child'
  | 'timer'
  | 'request-read'
  | 'metric-child'
  | 'sql-handle'
  | 'sql-query'
  | 'grpc-conn-made'
  | 'grpc-conn-used'
  | 'tracer-provider-made'

interface TellRule {
  tell: Tell
  /** Whether a frame shows it. */
  matches: (fn: string) => boolean
  /** Only the allocating frame (the innermost outside the runtime) counts, not its callers. */
  innermostOnly?: boolean
}

const startsWithAny =
  (...prefixes: string[]) =>
  (fn: string) =>
    prefixes.some((p) => fn.startsWith(p))

const RULES: TellRule[] = [
  // Each runs once in a Transport's life (its HTTP/2 set-up, its idle-connection pool, its
  // queue of requests waiting for one), or up to its few idle connections a host: growth
  // here is Transports made anew.
  {
    tell: 'transport-made',
    matches: startsWithAny(
      'net/http.(*Transport).onceSetNextProtoDefaults',
      'net/http.(*Transport).tryPutIdleConn',
      'net/http.(*Transport).queueForIdleConn'
    )
  },
  // A connection's buffers and loops, made on a goroutine of the Transport's own.
  {
    tell: 'connection',
    matches: startsWithAny('net/http.(*Transport).dialConn', 'net/http.(*persistConn).')
  },
  {
    tell: 'client-call',
    matches: startsWithAny(
      'net/http.(*Client).',
      'net/http.Get',
      'net/http.Post',
      'net/http.Head',
      'net/http.(*Transport).RoundTrip'
    )
  },
  // A zap BufferedWriteSyncer's buffer and ticker, made at its first write; ahead of the
  // timer's rule, whose NewTicker it calls.
  { tell: 'write-syncer', matches: startsWithAny('go.uber.org/zap/zapcore.(*BufferedWriteSyncer).') },
  // Client libraries' objects made anew: each constructor runs once in a shared client's
  // life. Ahead of the context's and timer's rules, whose functions they call.
  {
    tell: 'grpc-conn-made',
    matches: startsWithAny('google.golang.org/grpc.NewClient', 'google.golang.org/grpc.Dial')
  },
  // What a ClientConn sets up at its first call (its transport, its idle timer): once a conn.
  { tell: 'grpc-conn-used', matches: startsWithAny('google.golang.org/grpc.(*ClientConn).') },
  {
    tell: 'tracer-provider-made',
    matches: startsWithAny(
      'go.opentelemetry.io/otel/sdk/trace.NewTracerProvider',
      'go.opentelemetry.io/otel/sdk/trace.WithBatcher',
      'go.opentelemetry.io/otel/sdk/trace.NewBatchSpanProcessor'
    )
  },
  {
    tell: 'context-child',
    matches: startsWithAny(
      'context.WithCancel',
      'context.WithTimeout',
      'context.WithDeadline',
      'context.withCancel',
      'context.(*cancelCtx).propagateCancel'
    )
  },
  { tell: 'timer', matches: startsWithAny('time.AfterFunc', 'time.NewTimer', 'time.NewTicker') },
  // The request as the server read it: kept only when something outlives the handler holds it.
  {
    tell: 'request-read',
    matches: startsWithAny(
      'net/http.readRequest',
      'net/http.(*conn).readRequest',
      'net/textproto.readMIMEHeader',
      'net/textproto.(*Reader).readMIMEHeader',
      'net/url.parse'
    ),
    innermostOnly: true
  },
  // database/sql: a handle's own set-up (sql.Open, once a handle), then what a query opens
  // and reads on its connection (driver connection, statement cache, buffers, rows).
  { tell: 'sql-handle', matches: startsWithAny('database/sql.OpenDB') },
  { tell: 'sql-query', matches: startsWithAny('database/sql.(*DB).query') },
  {
    tell: 'metric-child',
    matches: startsWithAny(
      'github.com/prometheus/client_golang/prometheus.(*metricMap).getOrCreateMetricWith'
    )
  }
]

/** Goroutine growth below this is requests in flight (attribution's minGoroutineGrowth). */
const minGoroutineGrowth = 3

interface Claimed {
  bytes: number
  varianceBytes2: number
  /** The service's frames that called into the library, weighed by the bytes under them. */
  callers: Map<string, { frame: Frame; bytes: number }>
  /** The library frame that told it, of the largest stack. */
  evidence: string
  largestBytes: number
}

/** The tell of a stack and the outermost frame that shows it, or undefined. */
function tellOf(frames: Frame[]): { rule: TellRule; at: number } | undefined {
  const innermost = frames.findIndex((f) => !isRuntime(f.function))
  for (const rule of RULES) {
    if (rule.innermostOnly) {
      if (innermost >= 0 && rule.matches(frames[innermost].function)) return { rule, at: innermost }
      continue
    }
    // The outermost: the library's entry, whose caller is the service.
    for (let at = frames.length - 1; at >= 0; at--) if (rule.matches(frames[at].function)) return { rule, at }
  }
  return undefined
}

/** The stacks that grew, by tell, with the service frames that called into them. */
function claim(stacks: HeapStack[], isService: (f: Frame) => boolean): Map<Tell, Claimed> {
  const claimed = new Map<Tell, Claimed>()
  for (const s of stacks) {
    const found = tellOf(s.frames)
    if (!found) continue
    const c = claimed.get(found.rule.tell) ?? {
      bytes: 0,
      varianceBytes2: 0,
      callers: new Map(),
      evidence: s.frames[found.at].function,
      largestBytes: -Infinity
    }
    claimed.set(found.rule.tell, c)
    c.bytes += s.bytes
    c.varianceBytes2 += s.varianceBytes2
    if (s.bytes > c.largestBytes) {
      c.largestBytes = s.bytes
      c.evidence = s.frames[found.at].function
    }
    const caller = s.frames.slice(found.at + 1).find(isService)
    if (caller && s.bytes > 0) {
      const key = frameString(caller)
      const entry = c.callers.get(key) ?? { frame: caller, bytes: 0 }
      entry.bytes += s.bytes
      c.callers.set(key, entry)
    }
  }
  return claimed
}

const grew = (c: Claimed | undefined): c is Claimed =>
  c !== undefined && c.bytes > 0 && !isWithinNoise(c.bytes, c.varianceBytes2)

function topCaller(c: Claimed | undefined): Frame | undefined {
  return [...(c?.callers.values() ?? [])].sort((a, b) => b.bytes - a.bytes)[0]?.frame
}

/**
 * Where the service's own code allocated most, among stacks `on` accepts. Used once a
 * signature is known, to name the line that holds what the library made: a single
 * Transport or map is one large object, too few samples to clear the noise alone.
 */
function ownAllocation(
  stacks: HeapStack[],
  isService: (f: Frame) => boolean,
  on: (s: HeapStack, at: Frame) => boolean
): Frame | undefined {
  const sites = new Map<string, { frame: Frame; bytes: number }>()
  for (const s of stacks) {
    const frame = s.frames.find((f) => !isRuntime(f.function))
    if (!frame || !isService(frame) || !on(s, frame)) continue
    const key = frameString(frame)
    const site = sites.get(key) ?? { frame, bytes: 0 }
    site.bytes += s.bytes
    sites.set(key, site)
  }
  return [...sites.values()].filter((s) => s.bytes > 0).sort((a, b) => b.bytes - a.bytes)[0]?.frame
}

function signature(
  kind: SignatureKind,
  c: Claimed | undefined,
  site: Frame | undefined,
  layout: RepoLayout,
  goroutineGrowth = 0,
  evidence = c?.evidence ?? ''
): LeakSignature {
  const repoPath = site && toRepoPath(site.file, layout)
  return {
    kind,
    ...(site
      ? {
          site: {
            function: site.function,
            file: site.file,
            line: site.line,
            ...(repoPath ? { repoPath } : {})
          }
        }
      : {}),
    heapBytesGrowth: Math.max(0, c?.bytes ?? 0),
    goroutineGrowth,
    evidence
  }
}

/**
 * The line that made a library's object anew a request (`&http.Transport{}`): the service's
 * own allocation in a function on the path from `caller`, the line that called into the
 * library; else that line.
 */
function constructedAt(
  caller: Frame | undefined,
  stacks: HeapStack[],
  isService: (f: Frame) => boolean
): Frame | undefined {
  const path = stacks.find((s) => caller && s.frames.some((f) => frameString(f) === frameString(caller)))
  const pathFunctions = new Set((path?.frames ?? []).filter(isService).map((f) => f.function))
  return ownAllocation(stacks, isService, (_, at) => pathFunctions.has(at.function)) ?? caller
}

/** Goroutines added to the groups blocked in the given function. */
const growthIn = (groups: GoroutineGroup[], fn: string) =>
  groups.filter((g) => g.function === fn).reduce((sum, g) => sum + Math.max(0, g.countGrowth), 0)

/**
 * A response body not closed, or a Transport per request. A connection's readLoop waits
 * in a select only while its response body is unread; an idle pooled connection's waits
 * on the network instead, and only its writeLoop is a group of its own. So readLoops
 * piling up in the select are bodies not closed; writeLoops piling up without them are
 * idle connections, each in a pool of its own: Transports made anew, as the heap of their
 * set-up shows once there are enough of them.
 */
function httpClientSignature(
  claimed: Map<Tell, Claimed>,
  groups: GoroutineGroup[],
  stacks: HeapStack[],
  isService: (f: Frame) => boolean,
  layout: RepoLayout
): LeakSignature | undefined {
  const unread = growthIn(groups, 'net/http.(*persistConn).readLoop')
  const writers = growthIn(groups, 'net/http.(*persistConn).writeLoop')
  const made = claimed.get('transport-made')
  const connections = claimed.get('connection')
  if (grew(made) || (writers >= minGoroutineGrowth && unread < minGoroutineGrowth)) {
    const site = constructedAt(topCaller(made) ?? topCaller(claimed.get('client-call')), stacks, isService)
    const evidence = grew(made) ? made.evidence : 'net/http.(*persistConn).writeLoop'
    return signature('transport-per-request', made, site, layout, writers, evidence)
  }
  if (!grew(connections) && unread < minGoroutineGrowth) return undefined
  return signature(
    'response-body-not-closed',
    connections,
    topCaller(claimed.get('client-call')),
    layout,
    unread + writers,
    unread > 0 ? 'net/http.(*persistConn).readLoop' : (connections?.evidence ?? '')
  )
}

/** Both claims as one: their bytes and variance summed, the first's callers and evidence. */
function merged(a: Claimed | undefined, b: Claimed | undefined): Claimed | undefined {
  if (!a || !b) return a ?? b
  return { ...a, bytes: a.bytes + b.bytes, varianceBytes2: a.varianceBytes2 + b.varianceBytes2 }
}

/**
 * A database handle per request, or rows not closed. Every sql.DB starts a connection
 * opener goroutine that waits until Close, so openers piling up (or sql.Open's own set-up
 * growing) are handles never closed, named at the sql.Open call. Otherwise connections
 * opened under queries growing are rows that keep theirs: the pool (no MaxOpenConns)
 * opens another for the next query, named at the query call.
 */
function databaseSignature(
  claimed: Map<Tell, Claimed>,
  groups: GoroutineGroup[],
  layout: RepoLayout
): LeakSignature | undefined {
  const openers = growthIn(groups, 'database/sql.(*DB).connectionOpener')
  const handles = claimed.get('sql-handle')
  const queries = claimed.get('sql-query')
  if (grew(handles) || openers >= minGoroutineGrowth) {
    const evidence = openers > 0 ? 'database/sql.(*DB).connectionOpener' : (handles?.evidence ?? '')
    const site = topCaller(handles) ?? topCaller(queries)
    return signature('sql-open-per-request', merged(handles, queries), site, layout, openers, evidence)
  }
  if (!grew(queries)) return undefined
  return signature('rows-not-closed', queries, topCaller(queries), layout, 0, 'database/sql.(*DB).conn')
}

/** A stack of a server's handler: where a request would be kept. */
const inHandler = (s: HeapStack) => s.frames.some((f) => f.function === 'net/http.(*conn).serve')

/** Signatures whose heap growth passes through one tell, the service's caller from that tell. */
const HEAP_SIGNATURES: Array<[Tell, SignatureKind]> = [
  ['context-child', 'context-not-cancelled'],
  ['timer', 'timer-not-stopped'],
  ['metric-child', 'metric-label-unbounded']
]

/**
 * A client library's object made per request and never closed, with the goroutines each
 * keeps. (A go-redis v9 client per request is none: no goroutine of its keeps it, so the
 * GC takes it and its connections' finalizers close them.)
 */
const CLIENT_SIGNATURES: Array<
  [made: Tell, kind: SignatureKind, goroutineFunction: string | null, kept: Tell | null]
> = [
  // Each ClientConn's resolver and balancer serializers wait here until Close.
  [
    'grpc-conn-made',
    'grpc-conn-per-request',
    'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run',
    'grpc-conn-used'
  ],
  // Each batch span processor's queue loop waits here until Shutdown.
  [
    'tracer-provider-made',
    'tracer-provider-per-request',
    'go.opentelemetry.io/otel/sdk/trace.(*batchSpanProcessor).processQueue',
    null
  ]
]

/**
 * Client objects made anew a request: their construction growing past the noise at a
 * service line, or their goroutines piling up (named at the construction line when the
 * heap links them to one).
 */
function clientSignatures(
  claimed: Map<Tell, Claimed>,
  groups: GoroutineGroup[],
  layout: RepoLayout
): LeakSignature[] {
  const found: LeakSignature[] = []
  for (const [madeTell, kind, goroutineFunction, keptTell] of CLIENT_SIGNATURES) {
    const made = claimed.get(madeTell)
    // Only a constructor's growth at a service line says "made anew": a shared client's
    // conn grows too, up to its size, under the calls.
    const caller = topCaller(made)
    const all = merged(made, keptTell ? claimed.get(keptTell) : undefined)
    const loops = goroutineFunction ? growthIn(groups, goroutineFunction) : 0
    if ((grew(all) && caller) || loops >= minGoroutineGrowth)
      found.push(signature(kind, all, caller, layout, loops, made?.evidence ?? goroutineFunction ?? ''))
  }
  return found
}

/**
 * The known misuses the growth between the first and the last sample shows, most
 * certain first: the heap diff's stacks and the goroutine groups that grew.
 */
export function detectSignatures(
  diff: HeapDiff,
  groups: GoroutineGroup[],
  layout: RepoLayout
): LeakSignature[] {
  const isService = (f: Frame) => toRepoPath(f.file, layout) !== undefined
  const claimed = claim(diff.stacks, isService)
  const found: LeakSignature[] = []
  const http = httpClientSignature(claimed, groups, diff.stacks, isService, layout)
  if (http) found.push(http)
  const database = databaseSignature(claimed, groups, layout)
  if (database) found.push(database)
  for (const [tell, kind] of HEAP_SIGNATURES) {
    const c = claimed.get(tell)
    const caller = topCaller(c)
    // Without a service frame the library made them itself (a request's own context), and
    // whatever keeps them is another signature's.
    if (grew(c) && caller) found.push(signature(kind, c, caller, layout))
  }
  // Each syncer's flush loop waits on its ticker until Stop.
  const syncer = claimed.get('write-syncer')
  const flushLoops = growthIn(groups, 'go.uber.org/zap/zapcore.(*BufferedWriteSyncer).flushLoop')
  if (grew(syncer) || flushLoops >= minGoroutineGrowth)
    found.push(
      signature(
        'write-syncer-not-stopped',
        syncer,
        constructedAt(topCaller(syncer), diff.stacks, isService),
        layout,
        flushLoops
      )
    )
  found.push(...clientSignatures(claimed, groups, layout))
  const request = claimed.get('request-read')
  if (grew(request))
    found.push(signature('request-kept', request, ownAllocation(diff.stacks, isService, inHandler), layout))
  return found
}
