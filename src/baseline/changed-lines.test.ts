import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { changedLinesSince, parseChangedLines } from './changed-lines.js'
import { createGit } from './git.js'

describe('parseChangedLines', () => {
  it('reads the head side of each hunk, in every file added or changed', () => {
    const diff = [
      'diff --git a/svc/main.go b/svc/main.go',
      '--- a/svc/main.go',
      '+++ b/svc/main.go',
      '@@ -12,3 +14,2 @@ func handle(',
      '@@ -40 +41 @@',
      '@@ -50,2 +50,0 @@',
      'diff --git a/svc/new.go b/svc/new.go',
      '--- /dev/null',
      '+++ b/svc/new.go',
      '@@ -0,0 +1,3 @@'
    ].join('\n')
    expect(parseChangedLines(diff)).toEqual({ 'svc/main.go': [14, 15, 41], 'svc/new.go': [1, 2, 3] })
  })
})

describe('changedLinesSince', () => {
  it('asks git for the lines changed since a commit, the working tree included', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'memgate-changed-'))
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
        cwd: repo,
        encoding: 'utf8'
      }).trim()
    try {
      git('init', '-q')
      writeFileSync(join(repo, 'main.go'), 'a\nb\nc\n')
      git('add', 'main.go')
      git('commit', '-qm', 'base')
      const base = git('rev-parse', 'HEAD')
      writeFileSync(join(repo, 'main.go'), 'a\nB\nc\nd\n')
      expect(await changedLinesSince(createGit(repo), base)).toEqual({ 'main.go': [2, 4] })
    } finally {
      rmSync(repo, { recursive: true, force: true })
    }
  })
})
