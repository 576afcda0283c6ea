// What the workflow run is about, read from the runner's environment when asked
// (not at import, as @actions/github's `context` does, so tests can vary it).
import { existsSync, readFileSync } from 'node:fs'
import type { ActionRef, PullRequestMerge } from '../model.js'

export interface RunContext {
  owner: string
  repo: string
  eventName: string
  /** The pull request the event is about; null outside a pull request. */
  pullRequest: number | null
  /** The commit the PR head must have for a report to be posted on it (workflow_run). */
  headSha: string | null
  /** Link to this workflow run, for the comment's footer. */
  runUrl: string | null
  /** The repository's web address, for links to lines. */
  repositoryUrl: string | null
  /** On a pull_request event, the merge commit checked out and the PR's head. */
  pullRequestMerge: PullRequestMerge | null
  /** The action as the workflow named it; null when run from a path (`uses: ./`). */
  action: ActionRef | null
}

interface EventPayload {
  number?: number
  pull_request?: { number?: number; head?: { sha?: string } }
  issue?: { number?: number; pull_request?: unknown }
  workflow_run?: { head_sha?: string; pull_requests?: { number?: number }[] }
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const [owner = '', repo = ''] = (env['GITHUB_REPOSITORY'] ?? '').split('/')
  const eventPath = env['GITHUB_EVENT_PATH']
  const payload: EventPayload =
    eventPath && existsSync(eventPath) ? (JSON.parse(readFileSync(eventPath, 'utf8')) as EventPayload) : {}
  const server = env['GITHUB_SERVER_URL'] || 'https://github.com'
  const runId = env['GITHUB_RUN_ID']
  return {
    owner,
    repo,
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    pullRequest:
      payload.pull_request?.number ??
      (payload.issue?.pull_request ? (payload.issue.number ?? null) : null) ??
      payload.workflow_run?.pull_requests?.[0]?.number ??
      null,
    headSha: payload.pull_request?.head?.sha ?? payload.workflow_run?.head_sha ?? null,
    runUrl: owner && runId ? `${server}/${owner}/${repo}/actions/runs/${runId}` : null,
    repositoryUrl: owner && repo ? `${server}/${owner}/${repo}` : null,
    pullRequestMerge:
      env['GITHUB_EVENT_NAME'] === 'pull_request' && env['GITHUB_SHA'] && payload.pull_request?.head?.sha
        ? { merge: env['GITHUB_SHA'], head: payload.pull_request.head.sha }
        : null,
    action:
      env['GITHUB_ACTION_REPOSITORY'] && env['GITHUB_ACTION_REF']
        ? { repository: env['GITHUB_ACTION_REPOSITORY'], ref: env['GITHUB_ACTION_REF'] }
        : null
  }
}
