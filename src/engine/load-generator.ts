// The built-in load: GET requests at a fixed overall rate over a few keep-alive
// connections, that can be paused until nothing is in flight. Pausing is why it is ours:
// a reading of the live heap taken while requests are in flight counts what they hold,
// and load generators such as autocannon can stop but not pause, nor say what is in flight.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

export interface GeneratorRequest {
  url: string
  ratePerSec: number
  connections: number
  /** A request that takes longer counts as an error. */
  timeoutMs?: number
}

export interface GeneratorCounts {
  /** Responses received, whatever their status. */
  responses: number
  /** Answers other than 2xx, connection errors and timeouts, over the whole run. */
  errors: number
  /** The first error seen, for a one-line message ("HTTP 404", "ECONNREFUSED"). */
  firstError: string | null
  /** Requests done, answered or failed. */
  settled: number
  /** Errors by kind: {"HTTP 404": 180}. */
  errorsByKind: Record<string, number>
}

export interface LoadGenerator {
  counts(): GeneratorCounts
  inFlight(): number
  /** Stops sending and resolves once nothing is in flight, or with false after `timeoutMs`. */
  pause(timeoutMs: number): Promise<boolean>
  /** Sends again, at the rate, from now on: no burst makes up for the pause. */
  resume(): void
  /** Stops for good and closes the connections. */
  stop(): Promise<void>
}

const TICK_MS = 5

interface Target {
  send: typeof httpRequest
  target: URL
  agent: HttpAgent
  timeoutMs: number
}

/** One GET, its body drained; `settled` is called once, with the error (or null) it ended with. */
function getOnce(t: Target, answered: () => void, settled: (error: string | null) => void): void {
  let done = false
  const finish = (error: string | null) => {
    if (done) return
    done = true
    settled(error)
  }
  const r = t.send(
    t.target,
    { agent: t.agent, method: 'GET', timeout: t.timeoutMs },
    (res: IncomingMessage) => {
      answered()
      const status = res.statusCode ?? 0
      res.resume() // drain the body: the connection goes back to the pool
      // A redirect or a 1xx reaches no handler of the service's code either.
      res.once('end', () => finish(status >= 200 && status < 300 ? null : `HTTP ${status}`))
      res.once('error', (e) => finish(e.message))
    }
  )
  r.once('timeout', () => r.destroy(new Error(`no answer within ${t.timeoutMs} ms`)))
  r.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message))
  r.end()
}

// Over 60 lines: one closure over the counts, the schedule and the pause, which every tick,
// response and pause changes together; split, each part would take all of that state.
export function startGenerator(req: GeneratorRequest): LoadGenerator {
  const target = new URL(req.url)
  const https = target.protocol === 'https:'
  const agent = new (https ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: req.connections })
  const send = https ? httpsRequest : httpRequest
  const timeoutMs = req.timeoutMs ?? 10_000
  const counts: GeneratorCounts = { responses: 0, errors: 0, firstError: null, settled: 0, errorsByKind: {} }
  let inFlight = 0
  let sent = 0
  let scheduleStart = Date.now()
  let paused = false
  let stopped = false
  let idle: (() => void) | null = null

  const settle = (error: string | null) => {
    inFlight--
    counts.settled++
    if (error !== null) {
      counts.errors++
      counts.firstError ??= error
      counts.errorsByKind[error] = (counts.errorsByKind[error] ?? 0) + 1
    }
    if (inFlight === 0) idle?.()
  }

  const fire = () => {
    inFlight++
    sent++
    getOnce({ send, target, agent, timeoutMs }, () => counts.responses++, settle)
  }

  // Every connection opened at once, at the start of the warm-up: one opened later under a
  // burst would add its server goroutine and buffers mid-run, a step in both series.
  for (let i = 0; i < req.connections; i++) fire()

  // Open loop at the overall rate, but never more in flight than connections: requests
  // the service cannot take are skipped, not queued, so a pause never ends in a burst.
  const timer = setInterval(() => {
    if (paused || stopped) return
    const due = Math.floor(((Date.now() - scheduleStart) * req.ratePerSec) / 1000)
    while (sent < due && inFlight < req.connections) fire()
    if (sent < due) sent = due
  }, TICK_MS)

  return {
    counts: () => ({ ...counts, errorsByKind: { ...counts.errorsByKind } }),
    inFlight: () => inFlight,
    pause: (pauseTimeoutMs) => {
      paused = true
      if (inFlight === 0) return Promise.resolve(true)
      return new Promise<boolean>((resolve) => {
        const timeout = setTimeout(() => {
          idle = null
          resolve(false)
        }, pauseTimeoutMs)
        idle = () => {
          clearTimeout(timeout)
          idle = null
          resolve(true)
        }
      })
    },
    resume: () => {
      if (!paused) return
      paused = false
      scheduleStart = Date.now()
      sent = 0
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      agent.destroy()
    }
  }
}
