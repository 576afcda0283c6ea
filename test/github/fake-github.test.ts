// The fake must refuse what GitHub's API description refuses, or the other tests prove nothing.
import { FakeGitHub } from './fake-github.js'

let fake: FakeGitHub

beforeAll(async () => {
  fake = await FakeGitHub.start()
  fake.addToken('pat', { user: { login: 'octo-dev', id: 1, type: 'User' } })
})
afterAll(() => fake.close())
beforeEach(() => fake.reset())

const call = (method: string, path: string, body?: unknown) =>
  fetch(fake.url + path, {
    method,
    headers: { authorization: 'token pat', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })

describe('FakeGitHub request validation', () => {
  it('accepts a documented request', async () => {
    expect((await call('POST', '/repos/o/r/issues/1/comments', { body: 'hi' })).status).toBe(201)
    expect(fake.violations).toEqual([])
  })

  it.each([
    [
      'a body without its required field',
      'POST',
      '/repos/o/r/issues/1/comments',
      { text: 'hi' },
      /required property 'body'/
    ],
    [
      'a body field of the wrong type',
      'PATCH',
      '/repos/o/r/issues/comments/1',
      { body: 42 },
      /must be string/
    ],
    [
      'a path parameter of the wrong type',
      'GET',
      '/repos/o/r/issues/one/comments',
      undefined,
      /issue_number/
    ],
    [
      'a query parameter of the wrong type',
      'GET',
      '/repos/o/r/issues/1/comments?per_page=many',
      undefined,
      /per_page/
    ],
    ['an undocumented query parameter', 'GET', '/repos/o/r/issues/1/comments?sort=desc', undefined, /"sort"/],
    [
      'an endpoint GitHub does not have',
      'GET',
      '/repos/o/r/sticky-comments',
      undefined,
      /not in GitHub's REST API/
    ]
  ])('records %s', async (_what, method, path, body, problem) => {
    expect((await call(method, path, body)).status).toBe(422)
    expect(fake.violations).toContainEqual(expect.stringMatching(problem))
  })

  it('pages with Link headers', async () => {
    for (let i = 0; i < 5; i++) fake.seedComment('o/r', 1, { login: 'x', id: 9, type: 'User' }, `c${i}`)
    const res = await call('GET', '/repos/o/r/issues/1/comments?per_page=2&page=2')
    expect(((await res.json()) as { body: string }[]).map((c) => c.body)).toEqual(['c2', 'c3'])
    expect(res.headers.get('link')).toContain('page=3>; rel="next"')
    expect(res.headers.get('link')).toContain('page=3>; rel="last"')
  })
})
