// Resident set size of a process group: /proc on Linux, ps on macOS, nothing elsewhere;
// and its CPU time, on Linux only.
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** Bytes resident in all processes of group `pgid`, or null where the platform gives none. */
export async function groupRssBytes(pgid: number): Promise<number | null> {
  if (process.platform === 'linux') return linuxGroupRss(pgid)
  if (process.platform === 'darwin') return psGroupRss(pgid)
  return null
}

/** CPU seconds (user + system) used so far by the processes of group `pgid`; null off Linux. */
export async function groupCpuSec(pgid: number): Promise<number | null> {
  if (process.platform !== 'linux') return null
  let ticks = 0
  let found = false
  await forEachInGroup(pgid, (_pid, fields) => {
    // utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (USER_HZ, 100 on Linux).
    ticks += Number(fields[11]) + Number(fields[12])
    found = true
  })
  return found ? ticks / CLOCK_TICKS_PER_SEC : null
}

const CLOCK_TICKS_PER_SEC = 100

async function linuxGroupRss(pgid: number): Promise<number | null> {
  let total = 0
  let found = false
  await forEachInGroup(pgid, async (pid) => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(status)
    if (m) {
      total += Number(m[1]) * 1024
      found = true
    }
  })
  return found ? total : null
}

/** Calls `each` with every process of group `pgid` and its /proc stat fields from field 3 (state) on. */
async function forEachInGroup(
  pgid: number,
  each: (pid: string, fields: string[]) => void | Promise<void>
): Promise<void> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8')
      // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid) await each(entry, fields)
    } catch {
      // The process ended between readdir and read.
    }
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
