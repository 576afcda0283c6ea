import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { git } from '../../test/fixtures/repo.js'
import { githubWebUrl, readSource } from './source-link.js'

describe('githubWebUrl', () => {
  it.each([
    ['https://github.com/acme/shop.git', 'https://github.com/acme/shop'],
    ['https://github.com/acme/shop', 'https://github.com/acme/shop'],
    ['https://x-access-token:ghs_secret@github.com/acme/shop.git', 'https://github.com/acme/shop'],
    ['git@github.com:acme/shop.git', 'https://github.com/acme/shop'],
    ['ssh://git@github.com/acme/my.shop.git', 'https://github.com/acme/my.shop'],
    ['https://gitlab.com/acme/shop.git', null],
    ['/srv/git/shop.git', null],
    [null, null]
  ])('%s -> %s', (remote, url) => expect(githubWebUrl(remote)).toBe(url))
})

describe('readSource', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'memgate-source-'))
    git(dir, 'init', '-q', '-b', 'main')
    writeFileSync(join(dir, 'main.go'), 'package main\n')
    git(dir, 'add', '-A')
    git(dir, '-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'one')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it("reads the origin remote on github.com and the checkout's commit", async () => {
    git(dir, 'remote', 'add', 'origin', 'git@github.com:acme/shop.git')
    expect(await readSource(dir, {})).toEqual({
      repositoryUrl: 'https://github.com/acme/shop',
      commit: git(dir, 'rev-parse', 'HEAD')
    })
  })

  it('takes the repository and commit it is given over what git says', async () => {
    git(dir, 'remote', 'add', 'origin', 'git@github.com:acme/shop.git')
    const given = { repositoryUrl: 'https://ghe.example.com/acme/shop', headCommit: 'c'.repeat(40) }
    expect(await readSource(dir, given)).toEqual({
      repositoryUrl: given.repositoryUrl,
      commit: given.headCommit
    })
  })

  it("links the PR's head when the commit measured is GitHub's merge commit, and keeps the merge beside it", async () => {
    const [merge, head] = ['m'.repeat(40), 'h'.repeat(40)]
    const known = { repositoryUrl: 'https://github.com/acme/shop', pullRequestMerge: { merge, head } }
    expect(await readSource(dir, { ...known, headCommit: merge })).toEqual({
      repositoryUrl: known.repositoryUrl,
      commit: head,
      merge
    })
    // The PR's head checked out (actions/checkout with ref: head.sha): nothing to say.
    expect(await readSource(dir, { ...known, headCommit: head })).toEqual({
      repositoryUrl: known.repositoryUrl,
      commit: head
    })
  })

  it('is null without a remote to link to', async () => {
    expect(await readSource(dir, {})).toBeNull()
  })
})
