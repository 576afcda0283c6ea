// Runs the memgate CLI from source as a real process, as a user would.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** The most memory the CLI's process held at once (VmHWM), read until it ended. */
  peakRssBytes: number
}

export function runCli(
  args: string[],
  options: { cwd?: string; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {}
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/cli.ts`, ...args], {
      cwd: options.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      options.onStderr?.(stderr, child)
    })
    // VmHWM only grows: read often, its last reading before the end is the peak.
    let peakRssBytes = 0
    const readPeak = () => (peakRssBytes = Math.max(peakRssBytes, peakRss(child.pid)))
    const poll = setInterval(readPeak, 100)
    child.once('error', reject)
    child.once('exit', readPeak)
    child.once('close', (code, signal) => {
      clearInterval(poll)
      resolve({ code, signal, stdout, stderr, peakRssBytes })
    })
  })
}

function peakRss(pid: number | undefined): number {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return Number(kib ?? 0) * 1024
  } catch {
    return 0 // ended, or no /proc
  }
}

/** Process groups the CLI said it started ("process group N"). */
export function groupsStarted(stderr: string): number[] {
  return [...stderr.matchAll(/process group (\d+)/g)].map((m) => Number(m[1]))
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/** PIDs whose command line mentions `marker` (a path or token unique to one test). */
export function processesMentioning(marker: string): number[] {
  return processesWith(marker, ['cmdline'])
}

/** PIDs whose command line or environment mentions `marker`: what a service started with it in `--env` started too. */
export function processesCarrying(marker: string): number[] {
  return processesWith(marker, ['cmdline', 'environ'])
}

function processesWith(marker: string, files: string[]): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    try {
      const alive = !/^\S+ \(.*\) [ZX] /.test(readFileSync(`/proc/${entry}/stat`, 'utf8'))
      if (alive && files.some((f) => readFileSync(`/proc/${entry}/${f}`, 'utf8').includes(marker)))
        pids.push(Number(entry))
    } catch {
      // ended meanwhile, or another user's
    }
  }
  return pids
}
