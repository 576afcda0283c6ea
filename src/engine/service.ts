// Starts the service in its own process group, waits for its pprof endpoint and checks
// that it is the service's own, notices a crash, and stops it.
import type { ChildProcess } from 'node:child_process'
import { GateError } from '../errors.js'
import { redactUrl } from '../redact.js'
import { assertOwnEndpoint, assertPortFree, servesOwn, type Started } from './identity.js'
import { httpGet } from './http-get.js'
import { OutputTail } from './output-tail.js'
import { exitOf, groupMembers, sleep, spawnGroup, stopGroup } from './processes.js'
import { addressesToTry, decideReady, listenFailure, PPROF_INDEX, type Answer } from './ready.js'
import type { RunContext } from './run-context.js'

export interface ServiceRequest {
  binaryPath: string
  startCommand: string | null
  cwd: string
  env: Record<string, string>
  /** What the service must answer before it is measured: its pprof endpoint, or its /metrics. */
  ready: { input: 'pprof-url' | 'metrics-url'; url: string }
  readyTimeoutMs: number
  logPath: string
}

export interface Service {
  pid: number
  /** The service's last lines, redacted; for an out-of-memory death, the lines that say so. */
  output: { text(): string }
  /** Resolves with a description once the service exits by itself. */
  exited: Promise<string>
  /** Whether the service has exited. */
  hasExited(): boolean
  /** When ready-timeout, counted from the start, is up (epoch ms): target-url is waited for until then too. */
  readyBy: number
  stop(): Promise<void>
}

export async function startService(
  req: ServiceRequest,
  { redact, signal }: Pick<RunContext, 'redact' | 'signal'>
): Promise<Service> {
  await assertPortFree(req.ready.input, req.ready.url)
  const env = { ...process.env, ...req.env, MEMGATE_BINARY: req.binaryPath }
  const [cmd, args] = req.startCommand ? ['sh', ['-c', req.startCommand]] : [req.binaryPath, []]
  const lastWords = new LastWords()
  const output = new OutputTail(40, req.logPath, { redact, onLine: lastWords.see })
  const readyBy = Date.now() + req.readyTimeoutMs
  const child: ChildProcess = spawnGroup(cmd, args, { cwd: req.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  output.attach(child.stdout)
  output.attach(child.stderr)
  let exitedFlag = false
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => {
      exitedFlag = true
      resolve(`could not be started: ${e.message}`)
    })
    exitOf(child).then(
      ({ code, signal }) => {
        exitedFlag = true
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
        resolve(lastWords.fatal ? `${how} (${redact(lastWords.fatal.slice(0, 200))})` : how)
      },
      () => {} // 'error', above
    )
  })
  const service: Service = {
    pid: child.pid ?? -1,
    output: {
      text: () =>
        lastWords.diedOfMemory()
          ? redact(
              [
                ...lastWords.outOfMemory,
                `[memgate: the goroutine dump that followed is in ${req.logPath}]`
              ].join('\n')
            )
          : output.text()
    },
    exited,
    hasExited: () => exitedFlag,
    readyBy,
    stop: async () => {
      await stopGroup(child)
      await Promise.race([exited, sleep(1000)])
      output.close()
    }
  }
  const started = { ...req, pids: () => groupMembers(service.pid) }
  try {
    await waitReady(req, service, started, { signal })
    if (req.ready.input === 'pprof-url') await assertOwnEndpoint(req.ready.url, started, output.text())
  } catch (e) {
    await service.stop()
    throw e
  }
  return service
}

async function waitReady(
  req: ServiceRequest,
  service: Service,
  own: Started,
  { signal }: Pick<RunContext, 'signal'>
): Promise<void> {
  const { input, url } = req.ready
  const target = input === 'pprof-url' ? `${url}/` : url
  const started = Date.now()
  for (;;) {
    if (signal?.aborted) throw new GateError('cancelled while waiting for the service')
    if (service.hasExited()) {
      const how = await service.exited
      throw new GateError(`the service ${how} before ${redactUrl(target)} answered`, service.output.text())
    }
    const output = service.output.text()
    const [answer, named] = await Promise.all([
      ask(target, signal),
      Promise.all(
        addressesToTry(output, target).map(async (candidate) => ({
          ...candidate,
          // Only pprof-url is looked for elsewhere: a metrics endpoint has no page to recognise.
          servesPprof: input === 'pprof-url' && (await servesOwnPprof(target, candidate.address, own, signal))
        }))
      )
    ])
    const decision = decideReady({
      input,
      url: redactUrl(target),
      answer,
      named,
      listenFailure: listenFailure(output),
      elapsedMs: Date.now() - started,
      timeoutMs: req.readyTimeoutMs
    })
    if (decision.kind === 'ready') return
    if (decision.kind === 'fail') throw new GateError(decision.message, service.output.text())
    await sleep(100, signal)
  }
}

/** One GET: the answer, or the error code of a request that failed (ECONNREFUSED, TIMEOUT). */
export async function ask(url: string, signal: AbortSignal | undefined): Promise<Answer> {
  try {
    const { status, bytes } = await httpGet(url, { timeoutMs: 2000, signal, maxBytes: 64 * 1024 })
    return { status, page: bytes.toString('utf8') }
  } catch (e) {
    const { code, message } = e as NodeJS.ErrnoException
    return { error: code ?? (/timeout/.test(message) ? 'TIMEOUT' : message) }
  }
}

/** Whether the service's own pprof index answers at another address, on the same path: never another process's. */
async function servesOwnPprof(
  target: string,
  address: string,
  own: Started,
  signal: AbortSignal | undefined
): Promise<boolean> {
  const there = new URL(target)
  there.host = address
  const answer = await ask(there.href, signal)
  const index = 'status' in answer && answer.status === 200 && PPROF_INDEX.test(answer.page)
  return index && (await servesOwn(there.href.replace(/\/$/, ''), own))
}

/**
 * What a Go program says as it dies: the runtime's `fatal error: …` or a `panic: …`, the
 * line its crash is known by, kept however much follows. Out of memory, the runtime then
 * dumps every goroutine, dozens of frames that tell nothing more than its two lines.
 */
class LastWords {
  fatal: string | null = null
  /** "runtime: out of memory: cannot allocate …" and "fatal error: out of memory". */
  readonly outOfMemory: string[] = []

  diedOfMemory(): boolean {
    return this.fatal !== null && this.fatal.includes('out of memory')
  }

  readonly see = (line: string): void => {
    if (this.fatal === null && /^(?:fatal error|panic): /.test(line)) this.fatal = line
    if (this.outOfMemory.length < 2 && /^(?:runtime|fatal error): .*out of memory/.test(line))
      this.outOfMemory.push(line)
  }
}
