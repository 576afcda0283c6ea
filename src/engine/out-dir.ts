// The output folder: checked and cleared of an earlier run's report before anything runs,
// and every file memgate writes into it written so that a failure names the folder, not
// pprof or the service.
import { accessSync, constants, existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { OutputError } from '../errors.js'

/** Kernel file systems: a mkdir there fails or, on Node 20 under /proc, never returns. */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys']

/** What an earlier run left that a cancelled run must not leave standing beside its own partial profiles. */
const REPORT_FILES = ['report.json', 'report.md']

/**
 * Makes `dir` if missing, checks that it can be written, and removes report.json and
 * report.md of an earlier run. Throws an OutputError naming the folder.
 */
export function prepareOutDir(dir: string): void {
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
    for (const file of REPORT_FILES) rmSync(join(dir, file), { force: true })
  } catch (e) {
    throw new OutputError(dir, `cannot be written (${reason(e)}); give a folder memgate can write`)
  }
}

/** writeFileSync, with a failure blamed on the output folder. */
export function writeOutput(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data)
  } catch (e) {
    throw new OutputError(path, `cannot be written (${reason(e)}); give a folder memgate can write`)
  }
}

/** mkdirSync -p, with a failure blamed on the output folder. */
export function mkdirOutput(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw new OutputError(dir, `cannot be created (${reason(e)}); give a folder memgate can write`)
  }
}

/** "EROFS: read-only file system": the code and its words, without the path Node appends. */
const reason = (e: unknown): string => (e as Error).message.split(',')[0]

/** The real path of `path`, through its deepest existing ancestor: a symlink into /proc is seen for what it is. */
function realPathOf(path: string): string {
  if (existsSync(path)) return realpathSync(path)
  const parent = dirname(path)
  return parent === path ? path : join(realPathOf(parent), basename(path))
}
