// A stand-in for api.github.com on 127.0.0.1: real HTTP, state kept between calls,
// every request checked against GitHub's OpenAPI description (see openapi.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { validateRequest } from './openapi.js'

export interface FakeUser {
  login: string
  id: number
  type: 'User' | 'Bot'
}

/** Who a token is. `app` is an installation token (GITHUB_TOKEN): GET /user answers 403. */
export interface TokenInfo {
  user: FakeUser
  app?: boolean
  /** A fork's token: reads work, writes answer 403. */
  readOnly?: boolean
}

export interface FakeComment {
  id: number
  body: string
  user: FakeUser
  created_at: string
  updated_at: string
}

export const ACTIONS_BOT: FakeUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }

interface Failure {
  status: number
  method?: string
  path?: RegExp
}

export class FakeGitHub {
  /** Every request, in order: "METHOD /path?query -> status". */
  readonly requests: string[] = []
  /** Requests that GitHub's API description does not allow; a test fails on any. */
  readonly violations: string[] = []
  private readonly tokens = new Map<string, TokenInfo>()
  private readonly comments = new Map<string, FakeComment[]>()
  private readonly pulls = new Map<string, { headSha: string }>()
  private readonly failures: Failure[] = []
  private nextId = 1000

  private constructor(
    private readonly server: Server,
    readonly url: string
  ) {}

  static async start(): Promise<FakeGitHub> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const fake = new FakeGitHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    server.on('request', (req, res) => void fake.handle(req, res))
    return fake
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  addToken(token: string, info: TokenInfo): void {
    this.tokens.set(token, info)
  }

  addPullRequest(repo: string, number: number, headSha: string): void {
    this.pulls.set(`${repo}#${number}`, { headSha })
  }

  /** The next request that matches answers `status` instead (once). */
  failOnce(status: number, match: { method?: string; path?: RegExp } = {}): void {
    this.failures.push({ status, ...match })
  }

  /** A comment as if someone had written it earlier. */
  seedComment(repo: string, issue: number, user: FakeUser, body: string): FakeComment {
    const comment = this.newComment(user, body)
    this.issueComments(repo, issue).push(comment)
    return comment
  }

  issueComments(repo: string, issue: number): FakeComment[] {
    const key = `${repo}#${issue}`
    if (!this.comments.has(key)) this.comments.set(key, [])
    return this.comments.get(key)!
  }

  reset(): void {
    this.requests.length = 0
    this.violations.length = 0
    this.failures.length = 0
    this.comments.clear()
    this.pulls.clear()
  }

  private newComment(user: FakeUser, body: string): FakeComment {
    const now = new Date().toISOString()
    return { id: this.nextId++, body, user, created_at: now, updated_at: now }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const method = req.method ?? 'GET'
    const url = new URL(req.url ?? '/', this.url)
    const { template, problems } = validateRequest(method, url, req.headers['content-type'], rawBody)
    this.violations.push(...problems)

    const send = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push(`${method} ${url.pathname}${url.search} -> ${status}`)
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
      res.end(JSON.stringify(data))
    }
    const error = (status: number, message: string): void =>
      send(status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status) })

    const failure = this.failures.findIndex(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname))
    )
    if (failure >= 0) {
      const { status } = this.failures.splice(failure, 1)[0]
      return error(status, status === 403 ? 'Resource not accessible by integration' : 'Server Error')
    }
    if (problems.length > 0) return error(422, `Validation Failed: ${problems.join('; ')}`)

    const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1]
    const who = token ? this.tokens.get(token) : undefined
    if (!who) return error(401, 'Bad credentials')
    const [, owner, repo, , third] = url.pathname.split('/').slice(1)
    const repoKey = `${owner}/${repo}`

    switch (`${method} ${template}`) {
      case 'GET /user':
        if (who.app) return error(403, 'Resource not accessible by integration')
        return send(200, this.userJson(who.user))
      case 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const all = this.issueComments(repoKey, Number(third))
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
        const page = Number(url.searchParams.get('page') ?? 1)
        const last = Math.max(1, Math.ceil(all.length / perPage))
        const link = (p: number, rel: string): string => {
          const u = new URL(url)
          u.searchParams.set('per_page', String(perPage))
          u.searchParams.set('page', String(p))
          return `<${u}>; rel="${rel}"`
        }
        const links = [
          ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : []),
          ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : [])
        ]
        const items = all
          .slice((page - 1) * perPage, page * perPage)
          .map((c) => this.commentJson(repoKey, third, c))
        return send(200, items, links.length ? { link: links.join(', ') } : {})
      }
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        if (who.readOnly) return error(403, 'Resource not accessible by integration')
        const comment = this.newComment(who.user, (JSON.parse(rawBody) as { body: string }).body)
        this.issueComments(repoKey, Number(third)).push(comment)
        return send(201, this.commentJson(repoKey, third, comment))
      }
      case 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        if (who.readOnly) return error(403, 'Resource not accessible by integration')
        const id = Number(url.pathname.split('/').pop())
        for (const [key, list] of this.comments) {
          const comment = list.find((c) => c.id === id)
          if (!comment || !key.startsWith(`${repoKey}#`)) continue
          if (comment.user.login !== who.user.login)
            return error(403, 'You cannot edit comments of other users')
          comment.body = (JSON.parse(rawBody) as { body: string }).body
          comment.updated_at = new Date().toISOString()
          return send(200, this.commentJson(repoKey, key.split('#')[1], comment))
        }
        return error(404, 'Not Found')
      }
      case 'GET /repos/{owner}/{repo}/pulls/{pull_number}': {
        const pull = this.pulls.get(`${repoKey}#${third}`)
        if (!pull) return error(404, 'Not Found')
        return send(200, { number: Number(third), state: 'open', head: { sha: pull.headSha } })
      }
      default:
        this.violations.push(`${method} ${template}: the fake does not serve this endpoint`)
        return error(404, 'Not Found')
    }
  }

  private userJson(user: FakeUser): object {
    return { ...user, node_id: `U_${user.id}`, html_url: `https://github.com/${user.login}` }
  }

  private commentJson(repo: string, issue: string, c: FakeComment): object {
    return {
      ...c,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${repo}/pull/${issue}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${repo}/issues/${issue}`,
      user: this.userJson(c.user),
      author_association: 'MEMBER'
    }
  }
}
