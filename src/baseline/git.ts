// The one edge to git: named verbs over `git` run in one folder. Callers say what they
// want (the top folder, a commit, the merge-base) and never build git arguments, so the
// merge-base logic can be tested against a fake of this interface.
import { execFile } from 'node:child_process'
import { GateError } from '../errors.js'

export interface Git {
  /** The top folder of the repository holding the folder; null outside a checkout (or without git). */
  showToplevel(): Promise<string | null>
  /** The commit `rev` names (a branch, a tag, a hash); null when it names none. */
  revParseCommit(rev: string): Promise<string | null>
  /** The tree (the files) of a commit; null when it names none. */
  treeOf(commit: string): Promise<string | null>
  isShallow(): Promise<boolean>
  /** The best common ancestor of two commits; null when they share no history. */
  mergeBase(a: string, b: string): Promise<string | null>
  /** The URL of the remote `name` as configured; null when there is none. */
  remoteUrl(name: string): Promise<string | null>
  /** The short names of the local and remote-tracking branches ("main", "origin/main"). */
  branchNames(): Promise<string[]>
  /** The short name a symbolic ref points to ("origin/main"); null when it is not set. */
  symbolicRef(ref: string): Promise<string | null>
  /** Fetches origin's `branch` into origin/`branch`, with all the history when `unshallow`. */
  fetchBranch(branch: string, options: { unshallow: boolean }): Promise<void>
  /** Checks out `commit`, detached, in the new folder `dir`. */
  worktreeAdd(dir: string, commit: string): Promise<void>
  /** Removes the worktree in `dir`, changes and all. */
  worktreeRemove(dir: string): Promise<void>
  /** Forgets worktrees whose folders are gone. */
  worktreePrune(): Promise<void>
  /** `git diff -U0` from `commit` to the working tree: the hunks' line numbers, no context. */
  diffSince(commit: string): Promise<string>
}

/** A git command that exited non-zero; `reason` is the first line it wrote to stderr. */
export class GitError extends GateError {
  constructor(
    args: string[],
    readonly reason: string
  ) {
    super(`git ${args.join(' ')} failed: ${reason}`)
  }
}

interface GitResult {
  code: number
  stdout: string
  stderr: string
}

/** The real git, run in `cwd`. */
export function createGit(cwd: string): Git {
  const run = (args: string[]) => runGit(cwd, args)
  const failed = (args: string[], r: GitResult) =>
    new GitError(args, r.stderr.split('\n')[0] || `git exited with code ${r.code}`)
  const check = async (args: string[]): Promise<string> => {
    const r = await run(args)
    if (r.code !== 0) throw failed(args, r)
    return r.stdout
  }
  const answer = async (args: string[]): Promise<string | null> => {
    const r = await run(args)
    return r.code === 0 && r.stdout ? r.stdout : null
  }
  return {
    showToplevel: () => answer(['rev-parse', '--show-toplevel']),
    revParseCommit: (rev) => answer(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]),
    treeOf: (commit) => answer(['rev-parse', '--verify', '--quiet', `${commit}^{tree}`]),
    isShallow: async () => (await check(['rev-parse', '--is-shallow-repository'])) === 'true',
    mergeBase: async (a, b) => {
      const args = ['merge-base', a, b]
      const r = await run(args)
      // Exit 1 without output is git's "no common ancestor".
      if (r.code === 1 && !r.stdout) return null
      if (r.code !== 0) throw failed(args, r)
      return r.stdout
    },
    remoteUrl: (name) => answer(['remote', 'get-url', name]),
    branchNames: async () =>
      (await check(['for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/remotes']))
        .split('\n')
        .filter(Boolean),
    symbolicRef: (ref) => answer(['symbolic-ref', '--quiet', '--short', ref]),
    fetchBranch: async (branch, { unshallow }) => {
      const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`
      await check(['fetch', '--no-tags', ...(unshallow ? ['--unshallow'] : []), 'origin', refspec])
    },
    worktreeAdd: async (dir, commit) => void (await check(['worktree', 'add', '--detach', dir, commit])),
    worktreeRemove: async (dir) => void (await check(['worktree', 'remove', '--force', dir])),
    worktreePrune: async () => void (await check(['worktree', 'prune'])),
    // Added and modified files only, with their paths as written (core.quotePath off).
    diffSince: (commit) =>
      check([
        '-c',
        'core.quotePath=false',
        'diff',
        '-U0',
        '--no-color',
        '--no-ext-diff',
        '--no-renames',
        '--diff-filter=AM',
        commit,
        '--'
      ])
  }
}

/**
 * A non-zero exit is a result, not an exception: verbs decide what it means. Code -1
 * when git could not be started (not installed, or `cwd` is missing).
 */
function runGit(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve) => {
    // LC_ALL=C: error lines are quoted to the user and matched by no one, but stay in English.
    const env = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
    execFile('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code: unknown = error ? (error as { code?: unknown }).code : 0
      if (typeof code === 'number') resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() })
      else resolve({ code: -1, stdout: '', stderr: `cannot run git in ${cwd}: ${error?.message}` })
    })
  })
}
