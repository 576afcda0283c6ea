// A folder on a file system that is nearly full, for the tests of a write that runs out of
// space: a tmpfs mount of `bytes`, which needs root (or the right to mount).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface SmallDisk {
  path: string
  remove(): void
}

/** null where no tmpfs can be mounted. */
export function smallDisk(bytes: number): SmallDisk | null {
  const path = mkdtempSync(join(tmpdir(), 'memgate-small-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'memgate-test', path], { stdio: 'ignore' })
  } catch {
    rmSync(path, { recursive: true, force: true })
    return null
  }
  return {
    path,
    remove: () => {
      execFileSync('umount', [path])
      rmSync(path, { recursive: true, force: true })
    }
  }
}
