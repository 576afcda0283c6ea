// The service's process group as the sampler sees it: its members, read once a sample, their
// resident set size (/proc on Linux, ps on macOS, nothing elsewhere) and their CPU time
// (Linux only). /proc is read synchronously: its files never wait on a disk, and the
// promise API's open/stat/read/close per file cost memgate more CPU than the reads.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface ProcessGroup {
  pgid: number
  /** Its processes now (Linux); empty elsewhere. */
  pids: number[]
}

/** The processes of group `pgid`, found once for the reads of a sample. */
export function readGroup(pgid: number): ProcessGroup {
  if (process.platform !== 'linux') return { pgid, pids: [] }
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const fields = statFields(Number(entry))
    if (fields && Number(fields[2]) === pgid) pids.push(Number(entry))
  }
  return { pgid, pids }
}

/** Bytes resident in all processes of the group, or null where the platform gives none. */
export async function groupRssBytes(group: ProcessGroup): Promise<number | null> {
  if (process.platform === 'darwin') return psGroupRss(group.pgid)
  let total = 0
  let found = false
  for (const pid of group.pids) {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readProc(pid, 'status') ?? '')
    if (m) {
      total += Number(m[1]) * 1024
      found = true
    }
  }
  return found ? total : null
}

/** CPU seconds (user + system) the processes of the group have used so far; null off Linux. */
export function groupCpuSec(group: ProcessGroup): number | null {
  let ticks = 0
  let found = false
  for (const pid of group.pids) {
    const fields = statFields(pid)
    if (!fields) continue
    // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (USER_HZ, 100 on Linux).
    ticks += Number(fields[11]) + Number(fields[12])
    found = true
  }
  return found ? ticks / CLOCK_TICKS_PER_SEC : null
}

const CLOCK_TICKS_PER_SEC = 100

/** /proc/PID/stat from field 3 (state) on; null once the process has ended. */
function statFields(pid: number): string[] | null {
  const stat = readProc(pid, 'stat')
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  return stat === null ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

function readProc(pid: number, file: 'stat' | 'status'): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return null // ended between the listing and the read
  }
}

async function psGroupRss(pgid: number): Promise<number | null> {
  try {
    const { stdout } = await execFileAsync('ps', ['-o', 'rss=', '-g', String(pgid)])
    const kib = stdout
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => Number.isFinite(n) && n > 0)
    return kib.length ? kib.reduce((a, b) => a + b, 0) * 1024 : null
  } catch {
    return null
  }
}
