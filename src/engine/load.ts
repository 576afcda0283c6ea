// Drives the service: the user's load-command, or the built-in generator. Either can be
// paused for a reading of the live heap: the built-in one until nothing is in flight, a
// load-command by stopping its process group (SIGSTOP) and continuing it after.
import type { ChildProcess } from 'node:child_process'
import type { LoadStats } from '../model.js'
import { startGenerator } from './load-generator.js'
import { OutputTail } from './output-tail.js'
import { exitOf, spawnGroup, stopGroup } from './processes.js'

export interface LoadRequest {
  /** Hides secrets in what the process prints, in the log and in error messages. */
  redact: (text: string) => string
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
  pause(timeoutMs: number): Promise<PauseState>
  resume(): void
  stop(): Promise<LoadStats>
}

export function startLoad(req: LoadRequest): Load {
  return req.loadCommand ? startCommand(req, req.loadCommand) : startBuiltIn(req)
}

function startBuiltIn(req: LoadRequest): Load {
  const generator = startGenerator({
    url: req.targetUrl,
    ratePerSec: req.ratePerSec,
    connections: req.connections
  })
  const started = Date.now()
  return {
    responses: () => generator.counts().responses,
    exitedEarly: () => null,
    output: () => '',
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

function startCommand(req: LoadRequest, command: string): Load {
  const output = new OutputTail(40, req.logPath, { redact: req.redact })
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
