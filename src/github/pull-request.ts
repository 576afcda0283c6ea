// Which pull request a report belongs to, including the fork-safe pair:
// `analyze` on pull_request (read-only token) -> `comment` on workflow_run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RunContext } from './context.js'
import type { GitHubClient } from './octokit.js'

/** Written beside report.json by full/analyze, read by comment: workflow_run of a fork knows no PR. */
const PULL_REQUEST_FILE = 'pull-request.json'

interface PullRequestFile {
  number: number
  headSha: string | null
}

export function writePullRequestFile(outDir: string, context: RunContext): void {
  if (context.pullRequest === null) return
  const file: PullRequestFile = { number: context.pullRequest, headSha: context.headSha }
  writeFileSync(join(outDir, PULL_REQUEST_FILE), JSON.stringify(file, null, 2) + '\n')
}

/**
 * The PR to comment on, or null with why not. A number read from the artifact was
 * written by untrusted code, so it is only used when that PR's head is the commit
 * the triggering workflow ran on.
 */
export async function resolvePullRequest(
  octokit: GitHubClient,
  context: RunContext,
  reportJson: string | null
): Promise<{ number: number } | { number: null; why: string }> {
  if (context.pullRequest !== null) return { number: context.pullRequest }
  const file = reportJson ? join(dirname(reportJson), PULL_REQUEST_FILE) : null
  if (context.eventName !== 'workflow_run' || !file || !existsSync(file))
    return { number: null, why: `the ${context.eventName || 'unknown'} event is not about a pull request` }
  const claimed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PullRequestFile>
  if (typeof claimed.number !== 'number' || !Number.isInteger(claimed.number))
    return { number: null, why: `${file} holds no pull request number` }
  const { data: pull } = await octokit.rest.pulls.get({
    owner: context.owner,
    repo: context.repo,
    pull_number: claimed.number
  })
  if (pull.head.sha !== context.headSha)
    return {
      number: null,
      why: `pull request #${claimed.number} has head ${pull.head.sha}, but the report is of ${context.headSha ?? 'an unknown commit'}`
    }
  return { number: claimed.number }
}
