// Where the head's code can be read on the web, so that the report links a leaking line to
// its blob: the action knows its repository; the CLI reads the origin remote, if any.
import { createGit } from '../baseline/git.js'
import type { PullRequestMerge, SourceLink } from '../model.js'

/**
 * The repository's web address and the head commit; null when either is unknown.
 * `repositoryUrl`: as the runner gives it; when absent, the origin remote's, on github.com.
 * When the head measured is a pull request's merge commit, the PR's head, with the merge beside it.
 */
export async function readSource(
  dir: string,
  known: { repositoryUrl?: string; headCommit?: string; pullRequestMerge?: PullRequestMerge }
): Promise<SourceLink | null> {
  const git = createGit(dir)
  const repositoryUrl = known.repositoryUrl ?? githubWebUrl(await git.remoteUrl('origin'))
  if (!repositoryUrl) return null
  const commit = known.headCommit ?? (await git.revParseCommit('HEAD'))
  if (!commit) return null
  // GitHub's merge commit is nobody's: the lines are linked at the PR's head, which the reader pushed.
  const pr = known.pullRequestMerge
  return pr && pr.merge === commit && pr.head !== commit
    ? { repositoryUrl, commit: pr.head, merge: commit }
    : { repositoryUrl, commit }
}

/**
 * "git@github.com:acme/shop.git", "https://token@github.com/acme/shop" ->
 * "https://github.com/acme/shop". Other hosts lay out their blobs otherwise: null.
 */
export function githubWebUrl(remote: string | null): string | null {
  const m =
    /^(?:https:\/\/(?:[^@/]+@)?|ssh:\/\/git@|git@)github\.com[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(
      remote ?? ''
    )
  return m ? `https://github.com/${m[1]}/${m[2]}` : null
}
