// Drives the service: the user's load-command, or the built-in generator. Either can be
// paused for a reading of the live heap: the built-in one until nothing is in flight, a
// load-command by stopping its process group (SIGSTOP) and continuing it after.
import type { ChildProcess } from 'node:child_process'
import { basename } from 'node:path'
import { GateError } from '../errors.js'
import type { LoadStats } from '../model.js'
import { startGenerator, type GeneratorCounts } from './load-generator.js'
import { OutputTail } from './output-tail.js'
import { exitOf, sleep, spawnGroup, stopGroup } from './processes.js'
import { failureWords } from './ready.js'
import type { RunContext } from './run-context.js'
import { ask, type Service } from './service.js'

export interface LoadRequest {
  loadCommand: string | null
  targetUrl: string
  ratePerSec: number
  connections: number
  /** Warm-up plus sampling, and a margin: the load must outlast the samples. */
  durationSec: number
  cwd: string
  logPath: string
}

/**
 * What a pause achieved: 'drained', nothing in flight (the built-in load knows); 'frozen',
 * the load-command is stopped but what it sent may still be served (the sampler watches the
 * goroutines settle); 'busy', requests still in flight when the time was up.
 */
export type PauseState = 'drained' | 'frozen' | 'busy'

export interface Load {
  /** Responses so far (built-in generator only; null for a load-command). */
  responses(): number | null
  /** A load-command that exited by itself, with its code; null while it runs. */
  exitedEarly(): number | null
  /** The last lines a load-command printed; '' for the built-in load. */
  output(): string
  /** One line when a load-command has exited with an error: the gate cannot go on without load. */
  failure(): string | null
  pause(timeoutMs: number): Promise<PauseState>
  resume(): void
  stop(): Promise<LoadStats>
}

/**
 * Starts the load. The built-in one first waits, within what is left of ready-timeout, for
 * target-url to answer at all: a service may open its API after its pprof, and the first
 * seconds of load judge the target-url, not the service's start.
 */
export async function startLoad(
  req: LoadRequest,
  ctx: Pick<RunContext, 'redact' | 'signal' | 'log'>,
  service: Pick<Service, 'readyBy' | 'hasExited' | 'exited' | 'output'>
): Promise<Load> {
  if (req.loadCommand) return startCommand(req, req.loadCommand, ctx.redact)
  await waitForTarget(req.targetUrl, service, ctx)
  return startBuiltIn(req)
}

async function waitForTarget(
  url: string,
  service: Pick<Service, 'readyBy' | 'hasExited' | 'exited' | 'output'>,
  { signal, log }: Pick<RunContext, 'signal' | 'log'>
): Promise<void> {
  const { host } = new URL(url)
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new GateError('cancelled while waiting for target-url')
    if (service.hasExited())
      throw new GateError(
        `the service ${await service.exited} before target-url answered`,
        service.output.text()
      )
    const answer = await ask(url, signal)
    // Any status will do: a wrong path is the early load check's to tell, with what it answered.
    if ('status' in answer) return
    if (Date.now() >= service.readyBy)
      throw new GateError(
        `target-url: ${failureWords(answer.error, host)} within ready-timeout, though pprof answered; point target-url at the service's API, or raise ready-timeout`,
        service.output.text()
      )
    if (attempt === 0) log(`waiting for target-url ${url} (${failureWords(answer.error, host)} yet)`)
    await sleep(100, signal)
  }
}

function startBuiltIn(req: LoadRequest): Load {
  const generator = startGenerator({
    url: req.targetUrl,
    ratePerSec: req.ratePerSec,
    connections: req.connections
  })
  const started = Date.now()
  // undefined until the first seconds of load have been judged; null once they were fine.
  let early: string | null | undefined
  return {
    responses: () => generator.counts().responses,
    exitedEarly: () => null,
    output: () => '',
    failure: () => {
      const elapsedMs = Date.now() - started
      const counts = generator.counts()
      if (early === undefined && elapsedMs >= EARLY_LOAD_MS && counts.settled >= EARLY_LOAD_REQUESTS)
        early = earlyLoadFailure(req.targetUrl, counts, elapsedMs / 1000)
      return early ?? null
    },
    pause: async (timeoutMs) => ((await generator.pause(timeoutMs)) ? 'drained' : 'busy'),
    resume: () => generator.resume(),
    stop: async () => {
      await generator.stop()
      const { responses, errors, firstError } = generator.counts()
      const seconds = (Date.now() - started) / 1000
      return {
        kind: 'built-in',
        requests: responses,
        errors,
        ...(firstError ? { firstError } : {}),
        achievedRatePerSec: seconds > 0 ? responses / seconds : null
      }
    }
  }
}

/** The built-in load's first seconds, and the requests they need, to tell a wrong target-url. */
const EARLY_LOAD_MS = 2000
const EARLY_LOAD_REQUESTS = 10

/**
 * One line when most of the first requests failed: the target is wrong (a path the service
 * does not serve, a port nothing listens on), and the gate stops at once instead of after
 * warm-up and sampling. Null when most succeeded.
 */
export function earlyLoadFailure(targetUrl: string, counts: GeneratorCounts, seconds: number): string | null {
  if (counts.errors * 2 <= counts.settled) return null
  const [kind, n] = Object.entries(counts.errorsByKind).reduce((a, b) => (b[1] > a[1] ? b : a))
  const what = kind.startsWith('HTTP ') ? `answered ${kind} to` : `failed with ${kind} on`
  return `target-url: ${targetUrl} ${what} ${n} of ${counts.settled} requests in the first ${Math.round(seconds)}s; point target-url at an endpoint of the service`
}

function startCommand(req: LoadRequest, command: string, redact: RunContext['redact']): Load {
  const output = new OutputTail(40, req.logPath, { redact })
  const env = {
    ...process.env,
    MEMGATE_TARGET_URL: req.targetUrl,
    MEMGATE_DURATION: String(Math.ceil(req.durationSec))
  }
  const child: ChildProcess = spawnGroup('sh', ['-c', command], {
    cwd: req.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  output.attach(child.stdout)
  output.attach(child.stderr)
  let exitCode: number | null = null
  exitOf(child).then(
    ({ code, signal }) => (exitCode = code ?? (signal ? 128 : null)),
    () => (exitCode = 127) // sh could not be started
  )
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined && exitCode === null) process.kill(-child.pid, sig)
    } catch {
      // ESRCH: the group has just ended; exitedEarly says so.
    }
  }
  return {
    responses: () => null,
    exitedEarly: () => exitCode,
    output: () => output.text(),
    failure: () =>
      exitCode === null || exitCode === 0
        ? null
        : `load-command: exited with code ${exitCode} before sampling ended; fix the command (its output is in logs/${basename(req.logPath)})`,
    pause: async () => {
      signal('SIGSTOP')
      return 'frozen'
    },
    resume: () => signal('SIGCONT'),
    stop: async () => {
      const ranToEnd = exitCode !== null
      // A stopped group holds SIGTERM until it continues: continue it, then end it.
      signal('SIGCONT')
      await stopGroup(child)
      output.close()
      return {
        kind: 'command',
        command,
        requests: null,
        errors: null,
        achievedRatePerSec: null,
        exitCode: ranToEnd ? exitCode : null
      }
    }
  }
}
