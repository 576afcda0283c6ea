// `sleep` processes with numbers no other process on the machine uses: what a test starts
// below memgate, found again in /proc by their command line, and ended by pid when a test fails.
import { readdirSync, readFileSync } from 'node:fs'
import { parseStat, type ProcessEntry } from '../../src/engine/processes.js'

export const uniqueSeconds = (): number => 100_000 + Math.floor(Math.random() * 900_000)

/** The running (not zombie) processes whose command line is exactly `argv`. */
export function running(argv: string[]): ProcessEntry[] {
  const wanted = argv.join('\0') + '\0'
  const found: ProcessEntry[] = []
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n)))
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1') !== wanted) continue
      const p = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))
      if (p.state !== 'Z' && p.state !== 'X') found.push(p)
    } catch {
      // gone meanwhile
    }
  return found
}

export const sleeping = (seconds: number): ProcessEntry[] => running(['sleep', String(seconds)])

/** New sleep numbers, remembered until `killSleeps`. */
export function sleeps(count: number): number[] {
  const all = Array.from({ length: count }, uniqueSeconds)
  started.push(...all)
  return all
}

const started: number[] = []

/** Ends the sleeps a test started, by pid, as found: for an afterEach, so that a failed test leaves none behind. */
export function killSleeps(): void {
  for (const seconds of started.splice(0)) for (const p of sleeping(seconds)) process.kill(p.pid, 'SIGKILL')
}

export async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = get()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
