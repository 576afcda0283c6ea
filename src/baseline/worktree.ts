// A commit checked out beside the user's checkout, for as long as a callback runs.
// The user's working tree is never touched, and the worktree is removed however the
// callback ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GateError } from '../errors.js'
import { createGit, GitError } from './git.js'

export async function withWorktree<T>(
  repoRoot: string,
  commit: string,
  log: (line: string) => void,
  use: (dir: string) => Promise<T>
): Promise<T> {
  const git = createGit(repoRoot)
  // A temp folder, not the output folder: that may lie inside the repository, and a
  // worktree nested in the checkout would show in `git status` and in `go build ./...`.
  const parent = mkdtempSync(join(tmpdir(), 'memgate-base-'))
  const dir = join(parent, 'tree')
  try {
    // A run killed hard leaves a registered worktree whose folder is gone: forget those.
    await git.worktreePrune()
    try {
      await git.worktreeAdd(dir, commit)
    } catch (e) {
      if (e instanceof GitError)
        throw new GateError(`git worktree add of the merge-base ${commit.slice(0, 12)} failed: ${e.reason}`)
      throw e
    }
    log(`base: merge-base ${commit.slice(0, 12)} checked out in ${dir}`)
    return await use(dir)
  } finally {
    const removed = await git.worktreeRemove(dir).then(
      () => true,
      () => false
    )
    rmSync(parent, { recursive: true, force: true })
    // Its folder is gone now, so prune forgets it. A failure here must not hide how the
    // callback ended; the next run's prune tries again.
    if (!removed) await git.worktreePrune().catch(() => undefined)
  }
}
