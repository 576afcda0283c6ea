// A folder no one can write to, for the tests of a read-only --out. chmod does it for a
// user; root writes through modes, so as root the folder is a read-only tmpfs mount.
import { execFileSync } from 'node:child_process'
import { accessSync, chmodSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ReadOnlyFolder {
  path: string
  remove(): void
}

/** null where neither works (root without the right to mount). */
export function readOnlyFolder(): ReadOnlyFolder | null {
  const path = mkdtempSync(join(tmpdir(), 'memgate-read-only-'))
  chmodSync(path, 0o555)
  const remove = (unmount: boolean) => () => {
    if (unmount) execFileSync('umount', [path])
    chmodSync(path, 0o755)
    rmSync(path, { recursive: true, force: true })
  }
  if (!writable(path)) return { path, remove: remove(false) }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'memgate-test', path], { stdio: 'ignore' })
  } catch {
    remove(false)()
    return null
  }
  return { path, remove: remove(true) }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}
