// One sticky comment per pull request and gate name, found again on every push
// by its hidden marker and its author, and updated in place.
import { createHash } from 'node:crypto'
import type { Config } from '../config.js'
import type { Report } from '../model.js'
import type { GitHubClient } from './octokit.js'

export type CommentPolicy = Config['comment']

/** GitHub rejects comment bodies longer than this. */
export const COMMENT_MAX_CHARS = 65536

/** The author of comments made with a workflow's GITHUB_TOKEN, which cannot read GET /user. */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

export interface CommentTarget {
  owner: string
  repo: string
  issueNumber: number
}

export interface CommentResult {
  action: 'created' | 'updated' | 'unchanged' | 'skipped'
  /** Set when the comment was created or updated. */
  url?: string
  /** Why nothing was written, for the log. */
  reason?: string
}

export function commentMarker(name: string): string {
  return `<!-- go-memgate:${name} -->`
}

/** What a comment says, as `comment: on-failure` and `on-change` compare it. */
export interface CommentState {
  verdict: Report['verdict']
  fingerprint: string
}

/**
 * What makes a result "materially" different for `comment: on-change`: the verdict and
 * which judgements hold (series, against what, by which rule), never their numbers, so
 * that noise between two pushes (2.1 vs 2.2 MiB/min) does not count as a change.
 */
export function reportState(report: Pick<Report, 'verdict' | 'judgements'>): CommentState {
  return { verdict: report.verdict, fingerprint: `${report.verdict}:${hash(heldJudgements(report))}` }
}

/** Several services in one comment: a change in any of them, or in which are shown, is a change. */
export function combinedState(
  verdict: Report['verdict'],
  services: { name: string; report: Pick<Report, 'verdict' | 'judgements'> | null }[]
): CommentState {
  const each = services.map(
    (s) => `${s.name}=${s.report ? `${s.report.verdict}:${heldJudgements(s.report)}` : 'unreadable'}`
  )
  return { verdict, fingerprint: `${verdict}:${hash(each.sort().join('\n'))}` }
}

const heldJudgements = (report: Pick<Report, 'judgements'>): string =>
  JSON.stringify(report.judgements.map((j) => `${j.series}:${j.against}:${j.rule}`).sort())

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

function fingerprintMarker(fingerprint: string): string {
  return `<!-- go-memgate-state:${fingerprint} -->`
}

const FINGERPRINT_IN_BODY = /<!-- go-memgate-state:(\S+) -->/

interface CommentUser {
  login: string
  type?: string
}

/** Who "we" are: the token's own login, or the Actions bot for a GITHUB_TOKEN. */
async function ownAuthor(octokit: GitHubClient): Promise<(user: CommentUser | null | undefined) => boolean> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated()
    return (user) => user?.login === data.login
  } catch (error) {
    // An installation token (GITHUB_TOKEN, GitHub Apps) may not read /user.
    if ((error as { status?: number }).status !== 403) throw error
    return (user) => user?.type === 'Bot' && user.login === ACTIONS_BOT_LOGIN
  }
}

async function findOwnComment(
  octokit: GitHubClient,
  target: CommentTarget,
  name: string
): Promise<{ id: number; body: string; url: string } | null> {
  const isOwn = await ownAuthor(octokit)
  const marker = commentMarker(name)
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
  const ours = comments.find((c) => isOwn(c.user) && (c.body ?? '').includes(marker))
  return ours ? { id: ours.id, body: ours.body ?? '', url: ours.html_url } : null
}

/**
 * Creates or updates the sticky comment as the policy says:
 * - always: every run writes it;
 * - on-failure: written when the verdict is not pass; a comment left by an
 *   earlier failure is updated when it passes again, so it never shows a stale failure;
 * - on-change: written when the fingerprint (verdict + judgements) differs from the
 *   existing comment's; a passing PR without a comment gets none;
 * - never: no API call at all.
 */
export async function postComment(
  octokit: GitHubClient,
  target: CommentTarget,
  options: {
    name: string
    body: string
    state: CommentState
    policy: CommentPolicy
  }
): Promise<CommentResult> {
  if (options.policy === 'never') return { action: 'skipped', reason: 'comment is "never"' }
  const { fingerprint } = options.state
  const body = `${commentMarker(options.name)}\n${fingerprintMarker(fingerprint)}\n${options.body}`
  if (body.length > COMMENT_MAX_CHARS)
    throw new Error(`comment body has ${body.length} characters, over GitHub's limit`)

  const existing = await findOwnComment(octokit, target, options.name)
  const passes = options.state.verdict === 'pass'
  if (!existing) {
    if (passes && options.policy !== 'always')
      return { action: 'skipped', reason: `comment is "${options.policy}" and the gate passes` }
    const { data } = await octokit.rest.issues.createComment({
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      body
    })
    return { action: 'created', url: data.html_url }
  }
  if (existing.body === body) return { action: 'unchanged', reason: 'the comment already says this' }
  if (options.policy === 'on-change' && FINGERPRINT_IN_BODY.exec(existing.body)?.[1] === fingerprint)
    return {
      action: 'unchanged',
      reason: 'comment is "on-change" and the verdict and judgements are the same'
    }
  const { data } = await octokit.rest.issues.updateComment({
    owner: target.owner,
    repo: target.repo,
    comment_id: existing.id,
    body
  })
  return { action: 'updated', url: data.html_url }
}
