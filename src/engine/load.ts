// Drives the service: the user's load-command, or the built-in generator (autocannon).
import autocannon from 'autocannon'
import type { ChildProcess } from 'node:child_process'
import type { LoadStats } from '../model.js'
import { OutputTail } from './output-tail.js'
import { spawnGroup, stopGroup } from './processes.js'

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

export interface Load {
  /** Responses so far (built-in generator only; null for a load-command). */
  responses(): number | null
  /** A load-command that exited by itself, with its code; null while it runs. */
  exitedEarly(): number | null
  stop(): Promise<LoadStats>
}

export function startLoad(req: LoadRequest): Load {
  return req.loadCommand ? startCommand(req, req.loadCommand) : startBuiltIn(req)
}

function startBuiltIn(req: LoadRequest): Load {
  let responses = 0
  let errors = 0
  const started = Date.now()
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => (finished = resolve))
  // With a callback autocannon returns the instance, whose events count responses as they come.
  const instance = autocannon(
    {
      url: req.targetUrl,
      connections: req.connections,
      overallRate: req.ratePerSec,
      // Far past the end: stop() ends it when sampling ends, however late the last sample.
      duration: req.durationSec + 3600
    },
    () => finished()
  )
  instance.on('response', (_client: unknown, statusCode: number) => {
    responses++
    if (statusCode >= 400) errors++
  })
  instance.on('reqError', () => errors++)
  return {
    responses: () => responses,
    exitedEarly: () => null,
    stop: async () => {
      instance.stop()
      await done
      const seconds = (Date.now() - started) / 1000
      return {
        kind: 'built-in',
        requests: responses,
        errors,
        achievedRatePerSec: seconds > 0 ? responses / seconds : null
      }
    }
  }
}

function startCommand(req: LoadRequest, command: string): Load {
  const output = new OutputTail(40, req.logPath)
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
  child.once('close', (code, signal) => {
    exitCode = code ?? (signal ? 128 : null)
  })
  child.once('error', () => {
    exitCode = 127
  })
  return {
    responses: () => null,
    exitedEarly: () => exitCode,
    stop: async () => {
      const ranToEnd = exitCode !== null
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
