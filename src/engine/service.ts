// Starts the service in its own process group, waits for its pprof endpoint,
// notices a crash, and stops it.
import type { ChildProcess } from 'node:child_process'
import { GateError } from '../errors.js'
import { redactUrl } from '../redact.js'
import { OutputTail } from './output-tail.js'
import { sleep, spawnGroup, stopGroup } from './processes.js'

export interface ServiceRequest {
  /** Hides secrets in what the process prints, in the log and in error messages. */
  redact: (text: string) => string
  binaryPath: string
  startCommand: string | null
  cwd: string
  env: Record<string, string>
  /** What the service must answer before it is measured: its pprof endpoint, or its /metrics. */
  ready: { input: 'pprof-url' | 'metrics-url'; url: string }
  readyTimeoutMs: number
  logPath: string
  signal?: AbortSignal
}

export interface Service {
  pid: number
  output: OutputTail
  /** Resolves with a description once the service exits by itself. */
  exited: Promise<string>
  /** Whether the service has exited. */
  hasExited(): boolean
  stop(): Promise<void>
}

export async function startService(req: ServiceRequest): Promise<Service> {
  const env = { ...process.env, ...req.env, MEMGATE_BINARY: req.binaryPath }
  const [cmd, args] = req.startCommand ? ['sh', ['-c', req.startCommand]] : [req.binaryPath, []]
  const output = new OutputTail(40, req.logPath, { redact: req.redact })
  const child: ChildProcess = spawnGroup(cmd, args, { cwd: req.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  output.attach(child.stdout)
  output.attach(child.stderr)
  let exitedFlag = false
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => {
      exitedFlag = true
      resolve(`could not be started: ${e.message}`)
    })
    // 'close' comes once the output pipes are drained too: the last lines, often a panic, are read.
    child.once('close', (code, sig) => {
      exitedFlag = true
      resolve(sig ? `was killed by ${sig}` : `exited with code ${code}`)
    })
  })
  const service: Service = {
    pid: child.pid ?? -1,
    output,
    exited,
    hasExited: () => exitedFlag,
    stop: async () => {
      await stopGroup(child)
      await Promise.race([exited, sleep(1000)])
      output.close()
    }
  }
  try {
    await waitReady(req, service)
  } catch (e) {
    await service.stop()
    throw e
  }
  return service
}

async function waitReady(req: ServiceRequest, service: Service): Promise<void> {
  const deadline = Date.now() + req.readyTimeoutMs
  let lastError = 'no answer'
  while (Date.now() < deadline) {
    if (req.signal?.aborted) throw new GateError('cancelled while waiting for the service')
    if (service.hasExited()) {
      const how = await service.exited
      throw new GateError(`the service ${how} before ${req.ready.url} answered`, service.output.text())
    }
    try {
      const res = await fetch(readyTarget(req.ready), { signal: AbortSignal.timeout(2000) })
      await res.arrayBuffer()
      if (res.ok) return
      lastError = `HTTP ${res.status}`
    } catch (e) {
      lastError = (e as Error).message
    }
    await sleep(100, req.signal)
  }
  const serve =
    req.ready.input === 'pprof-url'
      ? 'the service imports net/http/pprof and listens there'
      : "the service serves client_golang's promhttp handler there"
  throw new GateError(
    `${req.ready.input}: ${redactUrl(readyTarget(req.ready))} did not answer within ready-timeout (${lastError}); check that ${serve}, or raise ready-timeout`,
    service.output.text()
  )
}

/** pprof's index page, or the metrics URL itself. */
function readyTarget(ready: ServiceRequest['ready']): string {
  return ready.input === 'pprof-url' ? `${ready.url}/` : ready.url
}
