// The output folder: checked, locked for the run and cleared of an earlier run's report
// before anything runs. Every file memgate writes into it is written so that a failure
// names the folder, not pprof or the service, and so that no link planted there (by the
// service, which runs as the same user) sends a write outside it.
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { OutputError } from '../errors.js'
import { startOf } from './processes.js'

/** Kernel file systems: a mkdir there fails or, on Node 20 under /proc, never returns. */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys']

/** What an earlier run left that a cancelled run must not leave standing beside its own partial profiles. */
const REPORT_FILES = ['report.json', 'report.md']

/** Held by the run that writes into the folder: its pid and start time, so that a killed run's lock is seen as stale. */
const LOCK_FILE = '.memgate.lock'

/** Folders locked by this process (as given -> real path): writes below them pass through no link. */
const locked = new Map<string, string>()

/**
 * Runs `work` with `dir` made if missing, checked writable (else an OutputError naming the
 * folder), cleared of an earlier run's report.json and report.md, and locked: a second run on the same
 * folder fails at once rather than mix its files with this one's. When `work` fails, the
 * report it may have written is removed: a report.json is left only by a run that ends well.
 */
export async function withOutDirLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  checkOutDir(dir)
  const lock = join(dir, LOCK_FILE)
  takeLock(dir, lock)
  locked.set(dir, realpathSync(dir))
  installExitHandler()
  try {
    removeReports(dir)
    return await work()
  } catch (e) {
    removeReports(dir)
    throw e
  } finally {
    locked.delete(dir)
    rmSync(lock, { force: true })
  }
}

/**
 * Writes a file whole or not at all: into a new file beside it, renamed over the name. A
 * rename replaces a link planted at the name rather than following it, and a full disk
 * leaves no partial file.
 */
export function writeOutput(path: string, data: string | Uint8Array): void {
  assertNoLinkBelowLock(path, dirname(path))
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  try {
    // One a killed run left goes first; wx: O_CREAT | O_EXCL, which follows no link either.
    rmSync(temp, { force: true })
    writeFileSync(temp, data, { flag: 'wx' })
    renameSync(temp, path)
  } catch (e) {
    removeQuietly(temp)
    throw new OutputError(path, `cannot be written (${reason(e)}); give a folder memgate can write`)
  }
}

/** Cleanup that fails (the folder is gone, or is now a file) must not hide the error that called for it. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true })
  } catch {
    // The write's own error says what is wrong.
  }
}

/** mkdirSync -p, with a failure blamed on the output folder; never through a link inside it. */
export function mkdirOutput(dir: string): void {
  assertNoLinkBelowLock(dir, dir)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw new OutputError(dir, `cannot be created (${reason(e)}); give a folder memgate can write`)
  }
}

function checkOutDir(dir: string): void {
  const real = realPathOf(dir)
  const kernel = KERNEL_FILE_SYSTEMS.find((k) => real === k || real.startsWith(`${k}/`))
  if (kernel) throw new OutputError(dir, `is under ${kernel}, a kernel file system; give a folder on disk`)
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST')
      throw new OutputError(dir, 'is a file, not a folder; give a folder (memgate creates it when missing)')
    throw new OutputError(dir, `cannot be created (${reason(e)}); give a folder memgate can write`)
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK)
  } catch (e) {
    throw new OutputError(dir, `cannot be written (${reason(e)}); give a folder memgate can write`)
  }
}

function removeReports(dir: string): void {
  try {
    for (const file of REPORT_FILES) rmSync(join(dir, file), { force: true })
  } catch (e) {
    throw new OutputError(dir, `cannot be written (${reason(e)}); give a folder memgate can write`)
  }
}

/** The lock file made with O_EXCL (which no link satisfies); a lock whose process is gone is taken over once. */
function takeLock(dir: string, lock: string): void {
  const self = `${process.pid} ${startOf(process.pid) ?? ''}\n`
  for (let attempt = 0; ; attempt++)
    try {
      writeFileSync(lock, self, { flag: 'wx' })
      return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new OutputError(dir, `cannot be written (${reason(e)}); give a folder memgate can write`)
      const holder = readLock(lock)
      if (attempt > 0 || (holder && holderAlive(holder)))
        throw new OutputError(
          dir,
          `is in use by another memgate run (pid ${holder?.pid ?? 'unknown'}); wait for it to end, or give another folder`
        )
      rmSync(lock, { force: true })
    }
}

interface LockHolder {
  pid: number
  start: number | null
}

/** The lock's holder, read without following a link; null when it says nothing readable. */
function readLock(lock: string): LockHolder | null {
  let fd: number
  try {
    fd = openSync(lock, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return null
  }
  try {
    const buffer = Buffer.alloc(64)
    const text = buffer.toString('latin1', 0, readSync(fd, buffer))
    const match = /^(\d+) (\d*)\n$/.exec(text)
    return match ? { pid: Number(match[1]), start: match[2] ? Number(match[2]) : null } : null
  } catch {
    return null
  } finally {
    closeSync(fd)
  }
}

/** The same process still runs: with /proc, its start time tells it from a later one with its pid. */
function holderAlive(holder: LockHolder): boolean {
  const start = startOf(holder.pid)
  if (start !== null || holder.start !== null) return start === holder.start
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Below a locked folder, `path` must reach `existing`'s deepest existing ancestor through no
 * link: its real path is the locked folder's real path and the same names. Checked before
 * mkdir -p, which would follow a link and create folders outside.
 */
function assertNoLinkBelowLock(path: string, existing: string): void {
  for (const [dir, real] of locked) {
    const below = relative(dir, existing)
    if (below.startsWith('..') || below === '' || below.startsWith(sep)) continue
    if (realPathOf(existing) !== join(real, below))
      throw new OutputError(
        path,
        'passes through a symbolic link inside the output folder; remove the link (memgate never writes through one)'
      )
  }
}

let exitHandlerInstalled = false

/** A process.exit() in the middle of a run skips `finally`: the lock goes anyway. */
function installExitHandler(): void {
  if (exitHandlerInstalled) return
  exitHandlerInstalled = true
  process.once('exit', () => {
    for (const dir of locked.keys()) rmSync(join(dir, LOCK_FILE), { force: true })
  })
}

/** "EROFS: read-only file system": the code and its words, without the path Node appends. */
const reason = (e: unknown): string => (e as Error).message.split(',')[0]

/** The real path of `path`, through its deepest existing ancestor: a symlink into /proc is seen for what it is. */
function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path)
  const parent = dirname(path)
  return parent === path ? path : join(realPathOf(parent), basename(path))
}
