// Where the head's code can be read on the web, so that the report links a leaking line to
// its blob: the action knows its repository; the CLI reads the origin remote, if any.
import { createGit } from '../baseline/git.js'
import type { SourceLink } from '../model.js'

/**
 * The repository's web address and the head commit; null when either is unknown.
 * `repositoryUrl`: as the runner gives it; when absent, the origin remote's, on github.com.
 */
export async function readSource(
  dir: string,
  known: { repositoryUrl?: string; headCommit?: string }
): Promise<SourceLink | null> {
  const git = createGit(dir)
  const repositoryUrl = known.repositoryUrl ?? githubWebUrl(await git.remoteUrl('origin'))
  if (!repositoryUrl) return null
  const commit = known.headCommit ?? (await git.revParseCommit('HEAD'))
  return commit ? { repositoryUrl, commit } : null
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
