import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readRunContext } from './context.js'

describe('readRunContext', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memgate-context-'))
  const event = join(dir, 'event.json')
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7, head: { sha: 'h'.repeat(40) } } }))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const env = (more: Record<string, string>) => ({
    GITHUB_REPOSITORY: 'octo/service',
    GITHUB_EVENT_PATH: event,
    GITHUB_SHA: 'm'.repeat(40),
    ...more
  })

  it("gives a pull_request event's merge commit and the PR's head", () => {
    expect(readRunContext(env({ GITHUB_EVENT_NAME: 'pull_request' })).pullRequestMerge).toEqual({
      merge: 'm'.repeat(40),
      head: 'h'.repeat(40)
    })
    // pull_request_target checks out the base: GITHUB_SHA is no merge of the head.
    expect(readRunContext(env({ GITHUB_EVENT_NAME: 'pull_request_target' })).pullRequestMerge).toBeNull()
  })

  it('gives the action as the workflow named it, and nothing for a local path', () => {
    const named = env({ GITHUB_ACTION_REPOSITORY: 'go-memgate/go-memgate', GITHUB_ACTION_REF: 'v1.2.0' })
    expect(readRunContext(named).action).toEqual({ repository: 'go-memgate/go-memgate', ref: 'v1.2.0' })
    expect(readRunContext(env({ GITHUB_ACTION_REPOSITORY: '', GITHUB_ACTION_REF: '' })).action).toBeNull()
  })
})
