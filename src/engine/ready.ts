// Whether the service is ready, must be waited for, or has made a mistake the user can fix
// now: a pure function of what was observed, so that what is knowable at once (a 404, pprof
// served at another address the service names) is said at once, in the user's words, and
// only a silent port waits the whole ready-timeout.

/** What one request to the ready URL got: an HTTP answer, or the error code of a request that failed. */
export type Answer = { status: number; page: string } | { error: string }

export interface ReadyObservation {
  input: 'pprof-url' | 'metrics-url'
  /** The URL requested: pprof-url's index (with its trailing slash) or metrics-url, redacted. */
  url: string
  answer: Answer
  /**
   * Addresses other than the ready URL's that the service's output names (`said`), or where Go
   * listens when given an empty one, and whether the service's own pprof index answers there.
   */
  named: { address: string; said: boolean; servesPprof: boolean }[]
  /** The service's own line saying a listener failed ("listen tcp :80: bind: permission denied"). */
  listenFailure: string | null
  elapsedMs: number
  timeoutMs: number
}

export type ReadyDecision = { kind: 'ready' } | { kind: 'wait' } | { kind: 'fail'; message: string }

/** What net/http/pprof's index page says, in every Go release since 1.11. */
export const PPROF_INDEX = /Types of profiles available/

/** A service may start its listeners in either order: what its output says of others waits this long. */
const GRACE_MS = 2000

export function decideReady(o: ReadyObservation): ReadyDecision {
  const { host, pathname } = new URL(o.url)
  const fail = (message: string): ReadyDecision => ({ kind: 'fail', message: `${o.input}: ${message}` })
  if ('status' in o.answer) {
    const ok = o.answer.status >= 200 && o.answer.status < 300
    if (ok && (o.input === 'metrics-url' || PPROF_INDEX.test(o.answer.page))) return { kind: 'ready' }
    // A service that answers every path (a catch-all handler) answers here too, but without the profiles.
    if (ok)
      return fail(
        `${o.url} answers, but not with the net/http/pprof index; check that the service imports net/http/pprof and serves it at pprof-url`
      )
    // A router answers 404 for a path it has no handler for from its first request on: nothing to wait for.
    if (o.answer.status === 404)
      return fail(
        o.input === 'pprof-url'
          ? `the service answers at ${host} but not ${pathname}: import net/http/pprof (or serve its handlers there)`
          : `the service answers at ${host} but not ${pathname}: serve client_golang's promhttp handler there`
      )
  }
  const silent = 'error' in o.answer && o.elapsedMs >= GRACE_MS
  const elsewhere = o.named.find((n) => n.servesPprof)
  if (o.input === 'pprof-url' && elsewhere && silent) {
    const there = `http://${elsewhere.address}${pathname.replace(/\/$/, '')}`
    return fail(
      elsewhere.said
        ? `nothing serves pprof at ${host}, but the service does at ${elsewhere.address}: set pprof-url to ${there}`
        : `nothing serves pprof at ${host}, but the service does at ${elsewhere.address}, where Go listens when given an empty address: set the service's pprof address (is its variable set?), or pprof-url to ${there}`
    )
  }
  // net/http/pprof's docs log ListenAndServe's error and run on: an unset address variable shows only here.
  if (o.listenFailure !== null && silent)
    return fail(
      `nothing listens on ${host}, and the service says "${o.listenFailure}"; check the address the service listens on for ${o.input}`
    )
  if (o.elapsedMs < o.timeoutMs) return { kind: 'wait' }
  const what =
    'status' in o.answer ? `${host} answered HTTP ${o.answer.status}` : failureWords(o.answer.error, host)
  const named = o.named.filter((n) => n.said).map((n) => n.address)
  const said = named.length > 0 ? `; the service says it listens on ${named.join(', ')}` : ''
  const serve =
    o.input === 'pprof-url'
      ? 'the service imports net/http/pprof and listens there'
      : "the service serves client_golang's promhttp handler there"
  return fail(
    `${what} within ready-timeout (${Math.round(o.timeoutMs / 1000)}s)${said}; check that ${serve}, or raise ready-timeout`
  )
}

/** A failed request's error code in words: what the user can check. */
export function failureWords(code: string, host: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing listens on ${host}`
    case 'ECONNRESET':
    case 'EPIPE':
      return `${host} closed the connection without answering`
    case 'ETIMEDOUT':
    case 'TIMEOUT':
      return `${host} accepted no request`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${host} is not found`
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached`
    default:
      return `no answer from ${host} (${code})`
  }
}

/** The first line of the service's output in which Go says a listener could not be opened, from "listen tcp" on. */
export function listenFailure(output: string): string | null {
  const line = output.split('\n').find((l) => l.includes('listen tcp') && l.includes(': bind: '))
  return line === undefined ? null : line.slice(line.indexOf('listen tcp'), line.indexOf('listen tcp') + 200)
}

/**
 * The addresses a service's output says it listens on ("listening on :8080", "pprof on
 * 127.0.0.1:7070"), as host:port on the ready URL's host: only a port on the same host is
 * worth naming (or asking, which is all memgate does with it), never another machine.
 */
function namedAddresses(output: string, readyUrl: string): string[] {
  const { hostname, port } = new URL(readyUrl)
  const local = new Set(['', '0.0.0.0', '[::]', '127.0.0.1', 'localhost', '[::1]', hostname])
  const found = new Set<string>()
  for (const [, host, p] of output.matchAll(
    /(?<![\w.:[\]])(\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[\da-f:]{2,39}\])?:(\d{2,5})\b/gi
  ))
    if (local.has(host ?? '') && p !== port) found.add(`${hostname}:${p}`)
  return [...found].slice(0, 3)
}

/**
 * Where to look for the service's pprof when the ready URL is silent: the addresses its output
 * names, then port 80, where Go's ListenAndServe("") listens (an address variable left unset).
 */
export function addressesToTry(output: string, readyUrl: string): { address: string; said: boolean }[] {
  const said = namedAddresses(output, readyUrl)
  const { hostname, port } = new URL(readyUrl)
  const goDefault = `${hostname}:80`
  const unset = port === '' || said.includes(goDefault) ? [] : [{ address: goDefault, said: false }]
  return [...said.map((address) => ({ address, said: true })), ...unset]
}
