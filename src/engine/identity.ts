// Whose pprof endpoint memgate measures. The net/http/pprof docs start the endpoint with
// `go func() { log.Println(http.ListenAndServe(addr, nil)) }()`: when the port is taken,
// the service logs one line and runs on, and whatever holds the port answers in its
// place. Measuring that other process would pass a leaking service, so the port must be
// free before the service starts, and the endpoint must then be the service's own.
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { GateError } from '../errors.js'
import { redactUrl, stripControl } from '../redact.js'
import { PprofClient } from './pprof-client.js'

/** Whether something accepts connections at the URL's host and port. */
export function portAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, ''),
      port: Number(port) || (protocol === 'https:' ? 443 : 80)
    })
    const done = (answers: boolean) => {
      socket.destroy()
      resolve(answers)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Before the service starts: nothing may answer at pprof-url (or metrics-url) yet. */
export async function assertPortFree(input: 'pprof-url' | 'metrics-url', url: string): Promise<void> {
  if (await portAnswers(url))
    throw new GateError(
      `${input}: another process answers at ${redactUrl(url)} before the service is started; stop it, or give the service and ${input} a free port`
    )
}

export interface Started {
  /** The binary memgate built, started as it is when there is no start-command. */
  binaryPath: string
  startCommand: string | null
  /** The service's processes: the start-command's shell and whatever it started. */
  pids: () => number[]
}

/**
 * Once the endpoint answers: the command line it serves (/debug/pprof/cmdline, the
 * serving process's os.Args joined by NUL) must be that of a process memgate started:
 * the built binary, or with a start-command one of the processes it started. An endpoint
 * without the cmdline handler cannot be checked, and is trusted (the pre-start check stands).
 */
export async function assertOwnEndpoint(pprofUrl: string, started: Started, detail: string): Promise<void> {
  const argv = await servedArgv(pprofUrl)
  if (argv === null || isOwn(argv, started)) return
  // The other program's name, on one line: it is whatever that process says.
  const program = stripControl(argv[0].slice(0, 200)).replace(/\s+/g, ' ')
  throw new GateError(
    `pprof-url: another process answers at ${pprofUrl} (${program}), not the service memgate started; stop it, or give the service and pprof-url a free port`,
    detail
  )
}

/** Whether the pprof endpoint at the URL says it is the service's (an endpoint without cmdline is not known to be). */
export async function servesOwn(pprofUrl: string, started: Started): Promise<boolean> {
  const argv = await servedArgv(pprofUrl)
  return argv !== null && isOwn(argv, started)
}

function isOwn(argv: string[], started: Started): boolean {
  if (!started.startCommand) return argv[0] === started.binaryPath
  const own = started.pids().map(cmdlineOf)
  // Without /proc (macOS) the processes of a start-command cannot be read: nothing to compare.
  if (own.every((c) => c === null)) return true
  const served = argv.join('\0')
  return own.some((c) => c !== null && c.join('\0') === served)
}

const CMDLINE_MAX_BYTES = 64 * 1024

async function servedArgv(pprofUrl: string): Promise<string[] | null> {
  try {
    const body = await new PprofClient(pprofUrl, 5000, undefined, CMDLINE_MAX_BYTES).get('cmdline')
    return body.length > 0 ? body.toString('utf8').split('\0') : null
  } catch {
    return null
  }
}

/** A process's argv from /proc (NUL-terminated there); null when it cannot be read. */
function cmdlineOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0')
  } catch {
    return null
  }
}
