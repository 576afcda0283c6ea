// Finds the commit a PR's changes start from: the merge-base of HEAD and the base
// branch, fetching the history a shallow clone lacks when the remote answers.
import { ConfigError } from '../config.js'
import { didYouMean } from '../did-you-mean.js'
import { GateError } from '../errors.js'
import { createGit, GitError, type Git } from './git.js'

export interface MergeBase {
  /** The repository's top folder (of the current worktree). */
  root: string
  headCommit: string
  /** The base as it resolved, e.g. "origin/main". */
  baseRef: string
  /** null: HEAD and the base share no history (a first PR, unrelated branches). */
  commit: string | null
  /** How the base was chosen: given as base-ref, or the default branch by origin/HEAD, else by name. */
  found: 'base-ref' | 'origin/HEAD' | 'main or master'
}

const FETCH_DEPTH_HINT = 'set fetch-depth: 0 in actions/checkout'

/**
 * The merge-base for the module in `moduleDir` (the working-directory, which need not be
 * the repository's top folder). `git` runs there; tests pass a fake.
 */
export async function findMergeBase(
  moduleDir: string,
  baseRef: string | null,
  git: Git = createGit(moduleDir)
): Promise<MergeBase> {
  const root = await git.showToplevel()
  if (!root)
    throw new ConfigError(
      `baseline: merge-base needs a git checkout, and ${moduleDir} is not one; use baseline: none or the path of a report.json`
    )
  const head = await git.revParseCommit('HEAD')
  if (!head) throw new ConfigError('baseline: merge-base needs a commit at HEAD; commit first')

  const byDefault = baseRef ? null : await defaultBranch(git)
  const found = baseRef ? 'base-ref' : (byDefault?.found ?? 'main or master')
  let name = baseRef ?? byDefault?.name ?? null
  let base = name ? await resolveBase(git, name) : null
  let shallow = await git.isShallow()
  let fetchError: string | null = null
  if (!base || shallow) {
    // Actions' checkout fetches one commit by default: get the base branch and the
    // history down to the merge-base, if the remote is reachable.
    name ??= 'main'
    fetchError = await fetchBase(git, name, shallow)
    base = await resolveBase(git, name)
    shallow = await git.isShallow()
  }
  const why = fetchError ? ` (fetching it failed: ${fetchError})` : ''
  if (shallow)
    throw new ConfigError(
      `baseline: merge-base needs the history of HEAD and ${name}, but this checkout is a shallow clone${why}; ${FETCH_DEPTH_HINT}`
    )
  if (!base)
    throw new ConfigError(
      baseRef
        ? `base-ref: "${baseRef}" is neither a branch nor a commit of this repository${why}${(await closestBranch(git, baseRef)) || '; set base-ref to the branch the PR merges into'}`
        : `base-ref: cannot tell the default branch (no origin/HEAD, main or master)${why}; set base-ref`
    )

  let commit: string | null
  try {
    commit = await git.mergeBase(head, base.commit)
  } catch (e) {
    if (e instanceof GitError) throw new GateError(`git merge-base HEAD ${base.ref} failed: ${e.reason}`)
    throw e
  }
  // Measuring the head against itself would find no difference, and pay for pairs to be sure of it.
  if (commit === head)
    throw new ConfigError(
      `base-ref: the merge-base of HEAD and ${base.ref} is HEAD itself: nothing to compare; set base-ref to the branch the PR merges into`
    )
  // An empty diff (an empty commit, a branch already merged) measures the same code twice.
  if (commit && (await git.treeOf(head)) === (await git.treeOf(commit)))
    throw new ConfigError(
      `base-ref: HEAD has the same files as its merge-base with ${base.ref} (${commit.slice(0, 7)}): nothing to compare; commit the change, or set base-ref to the branch the PR merges into`
    )
  return { root, headCommit: head, baseRef: base.ref, commit, found }
}

/** "; did you mean main?" when a branch's name is a typo away from `name` ("mian"). */
async function closestBranch(git: Git, name: string): Promise<string> {
  const names = await git.branchNames().catch(() => [])
  return didYouMean(name, [
    ...new Set(names.map((n) => (name.startsWith('origin/') ? n : n.replace(/^origin\//, ''))))
  ])
}

/** The remote-tracking branch first: a local branch of the same name may be stale. */
async function resolveBase(git: Git, name: string): Promise<{ ref: string; commit: string } | null> {
  for (const ref of name.startsWith('origin/') ? [name] : [`origin/${name}`, name]) {
    const commit = await git.revParseCommit(ref)
    if (commit) return { ref, commit }
  }
  return null
}

/** The default branch as git hosts define it: where origin/HEAD points, else main, else master. */
async function defaultBranch(git: Git): Promise<{ name: string; found: MergeBase['found'] } | null> {
  const originHead = await git.symbolicRef('refs/remotes/origin/HEAD')
  if (originHead) return { name: originHead, found: 'origin/HEAD' }
  for (const name of ['main', 'master'])
    if (await resolveBase(git, name)) return { name, found: 'main or master' }
  return null
}

/** Fetches the base branch from origin (all of the history when shallow); returns why it failed. */
async function fetchBase(git: Git, name: string, shallow: boolean): Promise<string | null> {
  try {
    await git.fetchBranch(name.replace(/^origin\//, ''), { unshallow: shallow })
    return null
  } catch (e) {
    if (e instanceof GitError) return e.reason
    throw e
  }
}
