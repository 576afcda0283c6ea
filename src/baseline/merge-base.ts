// Finds the commit a PR's changes start from: the merge-base of HEAD and the base
// branch, fetching the history a shallow clone lacks when the remote answers.
import { ConfigError } from '../config.js'
import { GateError } from '../errors.js'
import { firstLine, git } from './git.js'

export interface MergeBase {
  /** The repository's top folder (of the current worktree). */
  root: string
  headCommit: string
  /** The base as it resolved, e.g. "origin/main". */
  baseRef: string
  /** null: HEAD and the base share no history (a first PR, unrelated branches). */
  commit: string | null
}

const FETCH_DEPTH_HINT = 'set fetch-depth: 0 in actions/checkout'

export async function findMergeBase(cwd: string, baseRef: string | null): Promise<MergeBase> {
  const top = await git(cwd, ['rev-parse', '--show-toplevel'])
  if (top.code !== 0)
    throw new ConfigError(
      `baseline: merge-base needs a git checkout, and ${cwd} is not one; use baseline: none or the path of a report.json`
    )
  const root = top.stdout
  const head = await resolveCommit(root, 'HEAD')
  if (!head) throw new ConfigError('baseline: merge-base needs a commit at HEAD; commit first')

  let name = baseRef ?? (await defaultBranch(root))
  let base = name ? await resolveBase(root, name) : null
  let shallow = await isShallow(root)
  let fetchError: string | null = null
  if (!base || shallow) {
    // Actions' checkout fetches one commit by default: get the base branch and the
    // history down to the merge-base, if the remote is reachable.
    name ??= 'main'
    fetchError = await fetchBase(root, name, shallow)
    base = await resolveBase(root, name)
    shallow = await isShallow(root)
  }
  const why = fetchError ? ` (fetching it failed: ${fetchError})` : ''
  if (shallow)
    throw new ConfigError(
      `baseline: merge-base needs the history of HEAD and ${name}, but this checkout is a shallow clone${why}; ${FETCH_DEPTH_HINT}`
    )
  if (!base)
    throw new ConfigError(
      baseRef
        ? `base-ref: "${baseRef}" is neither a branch nor a commit of this repository${why}; set base-ref to the branch the PR merges into`
        : `base-ref: cannot tell the default branch (no origin/HEAD, main or master)${why}; set base-ref`
    )

  const mb = await git(root, ['merge-base', head, base.commit])
  // Exit 1 without output is git's "no common ancestor".
  if (mb.code === 1 && !mb.stdout) return { root, headCommit: head, baseRef: base.ref, commit: null }
  if (mb.code !== 0) throw new GateError(`git merge-base HEAD ${base.ref} failed: ${firstLine(mb)}`)
  return { root, headCommit: head, baseRef: base.ref, commit: mb.stdout }
}

async function resolveCommit(root: string, rev: string): Promise<string | null> {
  const r = await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
  return r.code === 0 ? r.stdout : null
}

/** The remote-tracking branch first: a local branch of the same name may be stale. */
async function resolveBase(root: string, name: string): Promise<{ ref: string; commit: string } | null> {
  for (const ref of name.startsWith('origin/') ? [name] : [`origin/${name}`, name]) {
    const commit = await resolveCommit(root, ref)
    if (commit) return { ref, commit }
  }
  return null
}

async function defaultBranch(root: string): Promise<string | null> {
  const head = await git(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'])
  if (head.code === 0 && head.stdout) return head.stdout
  for (const name of ['main', 'master']) if (await resolveBase(root, name)) return name
  return null
}

async function isShallow(root: string): Promise<boolean> {
  return (await git(root, ['rev-parse', '--is-shallow-repository'])).stdout === 'true'
}

/** Fetches the base branch from origin (all of the history when shallow); returns why it failed. */
async function fetchBase(root: string, name: string, shallow: boolean): Promise<string | null> {
  const branch = name.replace(/^origin\//, '')
  const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`
  const r = await git(root, ['fetch', '--no-tags', ...(shallow ? ['--unshallow'] : []), 'origin', refspec])
  return r.code === 0 ? null : firstLine(r)
}
