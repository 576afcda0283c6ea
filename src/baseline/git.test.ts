// The git verbs against a real repository in a temp folder: what each answers when git
// says no, and the one line a failure carries.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGit, GitError } from './git.js'

let dir: string
const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim()
const commit = (message: string) => {
  run('commit', '-q', '--allow-empty', '-m', message)
  return run('rev-parse', 'HEAD')
}

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'memgate-git-test-')))
  run('init', '-q', '-b', 'main')
  run('config', 'user.email', 'test@example.com')
  run('config', 'user.name', 'test')
  mkdirSync(join(dir, 'svc'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('createGit', () => {
  it('finds the top folder from a folder inside it, and none outside a checkout', async () => {
    expect(await createGit(join(dir, 'svc')).showToplevel()).toBe(dir)
    expect(await createGit(join(dir, 'svc', 'missing')).showToplevel()).toBeNull()
  })

  it('resolves commits, merge-bases and symbolic refs, or answers null', async () => {
    const git = createGit(dir)
    expect(await git.revParseCommit('HEAD')).toBeNull() // no commit yet
    const base = commit('base')
    run('checkout', '-q', '-b', 'pr')
    const head = commit('head')
    run('checkout', '-q', '--orphan', 'fresh')
    const unrelated = commit('fresh start')
    expect(await git.revParseCommit('main')).toBe(base)
    expect(await git.revParseCommit('no-such-branch')).toBeNull()
    expect(await git.mergeBase(head, base)).toBe(base)
    expect(await git.mergeBase(head, unrelated)).toBeNull()
    expect(await git.symbolicRef('refs/remotes/origin/HEAD')).toBeNull()
    expect(await git.isShallow()).toBe(false)
    expect((await git.branchNames()).sort()).toEqual(['fresh', 'main', 'pr'])
  })

  it('adds and removes a worktree, and says in one line why it could not', async () => {
    const git = createGit(dir)
    const tree = join(dir, '..', `${dir.split('/').pop()}-tree`)
    await git.worktreeAdd(tree, 'main')
    expect(existsSync(join(tree, '.git'))).toBe(true)
    await git.worktreeRemove(tree)
    expect(existsSync(tree)).toBe(false)
    const error = await git.worktreeAdd(tree, 'no-such-commit').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitError)
    expect((error as GitError).message).toBe(
      `git worktree add --detach ${tree} no-such-commit failed: fatal: invalid reference: no-such-commit`
    )
  })

  it('keeps the first line of why a fetch failed', async () => {
    const error = await createGit(dir)
      .fetchBranch('main', { unshallow: false })
      .catch((e: unknown) => e)
    expect((error as GitError).reason).toBe("fatal: 'origin' does not appear to be a git repository")
  })
})
