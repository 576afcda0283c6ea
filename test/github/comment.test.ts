// The sticky comment against a fake GitHub that checks every request against the API description.
import { jest } from '@jest/globals'
import { buildCommentBody } from '../../src/github/comment-body.js'
import {
  COMMENT_MAX_CHARS,
  commentMarker,
  postComment,
  reportState,
  type CommentPolicy
} from '../../src/github/comment.js'
import { createOctokit } from '../../src/github/octokit.js'
import type { Judgement, Report } from '../../src/model.js'
import { describeJudgement } from '../../src/report/judgement.js'
import { CMARK_PRESENT, liveInHtml, renderGfm } from './cmark.js'
import { ACTIONS_BOT, FakeGitHub, type FakeUser } from './fake-github.js'
import { heapSite, makeReport } from '../fixtures/reports.js'

const REPO = 'octo/service'
const PR = 7
const target = { owner: 'octo', repo: 'service', issueNumber: PR }
const DEV: FakeUser = { login: 'octo-dev', id: 1, type: 'User' }
const OTHER: FakeUser = { login: 'reviewer', id: 2, type: 'User' }

// The throttling plugin spaces writes a second apart, as GitHub asks of integrations.
jest.setTimeout(30_000)

let fake: FakeGitHub

beforeAll(async () => {
  fake = await FakeGitHub.start()
  process.env['GITHUB_API_URL'] = fake.url
  fake.addToken('pat', { user: DEV })
  fake.addToken('ghs_app', { user: ACTIONS_BOT, app: true })
})
afterAll(async () => {
  delete process.env['GITHUB_API_URL']
  await fake.close()
})
beforeEach(() => fake.reset())
afterEach(() => expect(fake.violations).toEqual([]))

const RUN_URL = 'https://github.com/octo/service/actions/runs/1'

async function post(report: Report, policy: CommentPolicy = 'always', token = 'pat', name = 'memgate') {
  const body = buildCommentBody(report, { name, runUrl: RUN_URL })
  return postComment(createOctokit(token), target, { name, body, state: reportState(report), policy })
}

const comments = () => fake.issueComments(REPO, PR)

describe('postComment', () => {
  it('creates the comment on the first run and updates the same one on the next', async () => {
    const first = await post(makeReport())
    expect(first.action).toBe('created')
    expect(comments()).toHaveLength(1)
    const id = comments()[0].id
    expect(first.url).toContain(`#issuecomment-${id}`)
    expect(comments()[0].body.startsWith(commentMarker('memgate'))).toBe(true)

    const second = await post(makeReport({ verdict: 'pass' }))
    expect(second.action).toBe('updated')
    expect(comments()).toHaveLength(1)
    expect(comments()[0].id).toBe(id)
    expect(comments()[0].body).toContain('no memory growth beyond the limits')
  })

  it('leaves another user’s comment alone, even one carrying our marker', async () => {
    const theirs = fake.seedComment(REPO, PR, OTHER, `${commentMarker('memgate')}\nquoting the bot`)
    await post(makeReport())
    expect(comments()).toHaveLength(2)
    expect(comments()[0]).toEqual(expect.objectContaining({ id: theirs.id, body: theirs.body }))
    expect(comments()[1].user.login).toBe(DEV.login)
  })

  it('keeps the comments of two gates with different names apart', async () => {
    await post(makeReport(), 'always', 'pat', 'api')
    await post(makeReport(), 'always', 'pat', 'worker')
    await post(makeReport({ verdict: 'pass' }), 'always', 'pat', 'api')
    expect(comments().map((c) => c.body.split('\n')[0])).toEqual([
      commentMarker('api'),
      commentMarker('worker')
    ])
  })

  it('finds its comment on a later page of a PR with more than 100 comments', async () => {
    for (let i = 0; i < 130; i++) fake.seedComment(REPO, PR, OTHER, `comment ${i}`)
    const ours = fake.seedComment(REPO, PR, DEV, `${commentMarker('memgate')}\nold report`)
    for (let i = 0; i < 100; i++) fake.seedComment(REPO, PR, OTHER, `later ${i}`)

    const result = await post(makeReport())
    expect(result.action).toBe('updated')
    expect(comments()).toHaveLength(231)
    expect(comments().find((c) => c.id === ours.id)?.body).toContain('memory grows')
    expect(fake.requests.filter((r) => r.startsWith('GET /repos/octo/service/issues/7/comments'))).toEqual([
      'GET /repos/octo/service/issues/7/comments?per_page=100 -> 200',
      'GET /repos/octo/service/issues/7/comments?per_page=100&page=2 -> 200',
      'GET /repos/octo/service/issues/7/comments?per_page=100&page=3 -> 200'
    ])
  })

  it('with the workflow GITHUB_TOKEN (no GET /user), recognises github-actions[bot] as itself', async () => {
    const impostor: FakeUser = { login: 'github-actions', id: 3, type: 'User' }
    fake.seedComment(REPO, PR, impostor, `${commentMarker('memgate')}\nnot the bot`)
    expect((await post(makeReport(), 'always', 'ghs_app')).action).toBe('created')
    expect((await post(makeReport(), 'always', 'ghs_app')).action).toBe('unchanged')
    expect((await post(makeReport({ verdict: 'pass' }), 'always', 'ghs_app')).action).toBe('updated')
    expect(comments().map((c) => c.user.login)).toEqual(['github-actions', 'github-actions[bot]'])
    expect(fake.requests).toContain('GET /user -> 403')
  })

  it('retries once after a 502', async () => {
    fake.failOnce(502, { method: 'POST' })
    const result = await post(makeReport())
    expect(result.action).toBe('created')
    expect(comments()).toHaveLength(1)
    expect(fake.requests.filter((r) => r.startsWith('POST'))).toEqual([
      'POST /repos/octo/service/issues/7/comments -> 502',
      'POST /repos/octo/service/issues/7/comments -> 201'
    ])
  })

  it('lets a 403 through to the caller, which turns it into a warning', async () => {
    fake.failOnce(403, { method: 'POST' })
    await expect(post(makeReport())).rejects.toMatchObject({ status: 403 })
    expect(comments()).toHaveLength(0)
  })

  describe('policies', () => {
    it('never: makes no request at all', async () => {
      expect((await post(makeReport(), 'never')).action).toBe('skipped')
      expect(fake.requests).toEqual([])
    })

    it('on-failure: silent while passing, written on failure, then updated when it passes again', async () => {
      expect((await post(makeReport({ verdict: 'pass' }), 'on-failure')).action).toBe('skipped')
      expect((await post(makeReport({ verdict: 'inconclusive' }), 'on-failure')).action).toBe('created')
      expect((await post(makeReport({ verdict: 'pass' }), 'on-failure')).action).toBe('updated')
      expect(comments()).toHaveLength(1)
    })

    it('on-change: written when the verdict or the judgements change, not for new numbers alone', async () => {
      expect((await post(makeReport({ verdict: 'pass' }), 'on-change')).action).toBe('skipped')
      const first = makeReport()
      expect((await post(first, 'on-change')).action).toBe('created')
      const moved = { ...first.judgements[0], estimatePerSec: 53_000, lowPerSec: 50_000 }
      const jitter = makeReport({ judgements: [moved], reasons: [describeJudgement(moved)] })
      expect(jitter.reasons).not.toEqual(first.reasons)
      expect((await post(jitter, 'on-change')).action).toBe('unchanged')
      const goroutines: Judgement = {
        outcome: 'fail',
        rule: 'above-limit',
        series: 'goroutines',
        against: 'limit'
      }
      const another = makeReport({ judgements: [moved, goroutines] })
      expect((await post(another, 'on-change')).action).toBe('updated')
      expect((await post(makeReport({ verdict: 'pass' }), 'on-change')).action).toBe('updated')
      expect(comments()).toHaveLength(1)
    })
  })

  it('keeps a huge report within GitHub’s limit and says where the rest is', async () => {
    const heap = Array.from({ length: 5000 }, (_, i) =>
      heapSite({ function: `main.handler${i}`, callPath: Array(20).fill(`main.f${i} main.go:${i}`) })
    )
    const reasons = Array.from({ length: 2000 }, (_, i) => `site ${i} grows 3.00 MiB/min`)
    const report = makeReport({ reasons })
    report.runs.head.attribution = { heap, goroutines: [] }
    await post(report)
    const body = comments()[0].body
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS)
    expect(body).toMatch(/job summary and (the )?artifact/)
  })

  // cmark.ts fails in CI when cmarkgfm is missing; elsewhere the case is skipped.
  ;(CMARK_PRESENT ? it : it.skip)(
    'posts no profile text unescaped: HTML, closing tags, table pipes, code fences',
    async () => {
      const evil = ['<img src=x onerror=alert(1)>', '</details>', 'a|b', '```', '<script>alert(1)</script>']
      const report = makeReport({
        reasons: [`heap grows in ${evil[0]}`],
        notices: [evil[1]],
        // A report.json posted in mode: comment comes from untrusted fork code.
        config: { 'load-command': `x\n${evil[3]}\n${evil[4]}`, 'max-heap-growth': evil[2] }
      })
      report.runs.head.ref = evil[1]
      report.runs.head.sampleNotes = [evil[4]]
      report.runs.head.attribution = {
        heap: [heapSite({ function: evil[0], file: evil[1], repoPath: `${evil[2]}.go` })],
        goroutines: [
          {
            function: evil[1],
            file: evil[2],
            line: 3,
            repoPath: evil[0],
            callPath: [evil[0]],
            waitReason: evil[2],
            createdBy: evil[4],
            // Numbers too may be strings in a hostile report.json.
            countGrowth: evil[0] as unknown as number,
            perSec: 0.1,
            count: 9
          }
        ],
        heapSamplingRateBytes: evil[0] as unknown as number
      }
      report.runs.head.durationSec = evil[4] as unknown as number
      report.runs.head.load = {
        kind: 'built-in',
        requests: evil[0] as unknown as number,
        errors: null,
        achievedRatePerSec: null
      }
      await post(report)
      const body = comments()[0].body
      for (const text of ['a|b', '|b.go']) expect(body).not.toContain(text)
      // HTML in code spans shows as text: as GitHub renders it, only the renderer's own elements
      // (one <details> block), and fences that open with a language.
      const html = renderGfm([body])[0]
      expect(liveInHtml(html, (href) => href === RUN_URL)).toBeNull()
      expect(html.split('</details>')).toHaveLength(2)
      const fences = body.split('\n').filter((line) => line.trimStart().startsWith('```'))
      fences.forEach((line, i) => expect(line).toMatch(i % 2 === 0 ? /^```\w+$/ : /^```$/))
    }
  )
})
