// findMergeBase against a fake repository: every case a checkout on a runner can be in,
// without git. test/baseline.test.ts runs the same logic against real repositories.
import { ConfigError } from '../config.js'
import { GateError } from '../errors.js'
import { GitError, type Git } from './git.js'
import { findMergeBase } from './merge-base.js'

interface FakeRepo {
  /** null: the folder is not in a git checkout. */
  toplevel?: string | null
  /** Refs and their commits: "HEAD", "main", "origin/main", ... */
  refs: Record<string, string>
  shallow?: boolean
  /** Branches origin serves, with their commits; null: origin does not answer. */
  origin?: Record<string, string> | null
  /** Where refs/remotes/origin/HEAD points ("origin/trunk"), when it is set. */
  originHead?: string
  /** "a b" → their merge-base; pairs not listed share no history. */
  mergeBases?: Record<string, string>
  /** Makes `git merge-base` itself fail with this line. */
  mergeBaseFails?: string
  /** Commits whose files are those of another ("a" → "c": an empty commit on c); else each its own. */
  sameFiles?: Record<string, string>
}

/** A fake git over a plain repository model, recording the fetches it was asked for. */
function fakeGit(repo: FakeRepo): Git & { fetches: string[] } {
  let shallow = repo.shallow ?? false
  const refs = { ...repo.refs }
  const fetches: string[] = []
  const unused = () => Promise.reject(new Error('findMergeBase neither manages worktrees nor reads remotes'))
  return {
    fetches,
    showToplevel: async () => (repo.toplevel === undefined ? '/repo' : repo.toplevel),
    revParseCommit: async (rev) => refs[rev] ?? (/^[0-9a-f]{40}$/.test(rev) ? rev : null),
    treeOf: async (commit) => `tree of ${repo.sameFiles?.[commit] ?? commit}`,
    isShallow: async () => shallow,
    mergeBase: async (a, b) => {
      if (repo.mergeBaseFails) throw new GitError(['merge-base', a, b], repo.mergeBaseFails)
      return repo.mergeBases?.[`${a} ${b}`] ?? null
    },
    remoteUrl: unused,
    diffSince: unused,
    branchNames: async () => Object.keys(refs).filter((r) => r !== 'HEAD'),
    symbolicRef: async (ref) => (ref === 'refs/remotes/origin/HEAD' ? (repo.originHead ?? null) : null),
    fetchBranch: async (branch, { unshallow }) => {
      const args = ['fetch', ...(unshallow ? ['--unshallow'] : []), 'origin', branch]
      fetches.push(args.slice(1).join(' '))
      // As real git: --unshallow on a complete repository is an error.
      if (unshallow && !shallow) throw new GitError(args, 'fatal: --unshallow on a complete repository')
      if (repo.origin === null || repo.origin === undefined)
        throw new GitError(args, "fatal: 'origin' does not appear to be a git repository")
      const commit = repo.origin[branch]
      if (!commit) throw new GitError(args, `fatal: couldn't find remote ref refs/heads/${branch}`)
      refs[`origin/${branch}`] = commit
      if (unshallow) shallow = false
    },
    worktreeAdd: unused,
    worktreeRemove: unused,
    worktreePrune: unused
  }
}

const sha = (c: string) => c.repeat(40)
const [HEAD, MAIN, BASE, STALE] = [sha('a'), sha('b'), sha('c'), sha('d')]
/** A PR branch one commit on from the merge-base BASE, with main moved on to MAIN. */
const pr = { HEAD, 'origin/main': MAIN }
const mergeBases = { [`${HEAD} ${MAIN}`]: BASE }

/** The error's class and its whole line: the line is what the user reads. */
async function expectRejection(
  p: Promise<unknown>,
  type: new (message: string) => Error,
  message: string
): Promise<void> {
  const error = await p.then(
    () => null,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(type)
  expect((error as Error).message).toBe(message)
}

const find = (repo: FakeRepo, baseRef: string | null = 'main') => {
  const git = fakeGit(repo)
  return { git, result: findMergeBase('/repo/svc', baseRef, git) }
}

describe('findMergeBase on a full clone', () => {
  it('finds the merge-base of HEAD and origin/<base-ref> without fetching', async () => {
    const { git, result } = find({ refs: pr, mergeBases })
    expect(await result).toEqual({
      root: '/repo',
      headCommit: HEAD,
      baseRef: 'origin/main',
      commit: BASE,
      found: 'base-ref'
    })
    expect(git.fetches).toEqual([])
  })

  it('prefers origin/<branch> to a stale local branch of the same name', async () => {
    const { result } = find({ refs: { ...pr, main: STALE }, mergeBases })
    expect(await result).toMatchObject({ baseRef: 'origin/main', commit: BASE })
  })

  it('takes a local branch or a commit when origin has none', async () => {
    expect(await find({ refs: { HEAD, main: MAIN }, mergeBases }).result).toMatchObject({
      baseRef: 'main',
      commit: BASE
    })
    expect(await find({ refs: { HEAD }, mergeBases }, MAIN).result).toMatchObject({
      baseRef: MAIN,
      commit: BASE
    })
  })

  it('takes base-ref "origin/main" as it is', async () => {
    const { result } = find({ refs: { ...pr, 'origin/origin/main': STALE }, mergeBases }, 'origin/main')
    expect(await result).toMatchObject({ baseRef: 'origin/main', commit: BASE })
  })

  it('finds no merge-base when HEAD and the base share no history (a first PR)', async () => {
    expect(await find({ refs: pr }).result).toEqual({
      root: '/repo',
      headCommit: HEAD,
      baseRef: 'origin/main',
      commit: null,
      found: 'base-ref'
    })
  })

  it('says which git command failed, and why', async () => {
    const { result } = find({ refs: pr, mergeBaseFails: 'fatal: bad object' })
    await expectRejection(result, GateError, 'git merge-base HEAD origin/main failed: fatal: bad object')
  })
})

describe('findMergeBase without base-ref: the default branch', () => {
  it('follows origin/HEAD', async () => {
    const refs = { HEAD, 'origin/trunk': MAIN, 'origin/main': STALE }
    const { result } = find({ refs, originHead: 'origin/trunk', mergeBases }, null)
    expect(await result).toMatchObject({ baseRef: 'origin/trunk', commit: BASE, found: 'origin/HEAD' })
  })

  it.each([
    ['main', { HEAD, 'origin/main': MAIN, 'origin/master': STALE }, 'origin/main'],
    ['master', { HEAD, master: MAIN }, 'master']
  ])('without origin/HEAD, takes %s', async (_, refs, baseRef) => {
    expect(await find({ refs, mergeBases }, null).result).toMatchObject({
      baseRef,
      commit: BASE,
      found: 'main or master'
    })
  })

  it('fetches main when no default branch is known and origin answers', async () => {
    const { git, result } = find({ refs: { HEAD }, origin: { main: MAIN }, mergeBases }, null)
    expect(await result).toMatchObject({ baseRef: 'origin/main', commit: BASE })
    expect(git.fetches).toEqual(['origin main'])
  })

  it('asks for base-ref when it cannot tell the default branch', async () => {
    await expectRejection(
      find({ refs: { HEAD } }, null).result,
      ConfigError,
      "base-ref: cannot tell the default branch (no origin/HEAD, main or master) (fetching it failed: fatal: 'origin' does not appear to be a git repository); set base-ref"
    )
  })
})

describe('findMergeBase on a shallow clone (actions/checkout with fetch-depth 1)', () => {
  it('fetches the base branch with all of the history when origin answers', async () => {
    const { git, result } = find({ refs: { HEAD }, shallow: true, origin: { main: MAIN }, mergeBases })
    expect(await result).toMatchObject({ baseRef: 'origin/main', commit: BASE })
    expect(git.fetches).toEqual(['--unshallow origin main'])
  })

  it('deepens even when the base branch is already there', async () => {
    const { git, result } = find({ refs: pr, shallow: true, origin: { main: MAIN }, mergeBases })
    expect(await result).toMatchObject({ baseRef: 'origin/main', commit: BASE })
    expect(git.fetches).toEqual(['--unshallow origin main'])
  })

  it('names the checkout setting to change when it cannot be deepened', async () => {
    await expectRejection(
      find({ refs: pr, shallow: true, origin: null }).result,
      ConfigError,
      "baseline: merge-base needs the history of HEAD and main, but this checkout is a shallow clone (fetching it failed: fatal: 'origin' does not appear to be a git repository); set fetch-depth: 0 in actions/checkout"
    )
  })
})

describe('findMergeBase refuses', () => {
  it('a merge-base that is HEAD itself (origin/HEAD pointing at the PR branch), naming base-ref', async () => {
    const refs = { HEAD, 'origin/feature': HEAD }
    await expectRejection(
      find({ refs, originHead: 'origin/feature', mergeBases: { [`${HEAD} ${HEAD}`]: HEAD } }, null).result,
      ConfigError,
      'base-ref: the merge-base of HEAD and origin/feature is HEAD itself: nothing to compare; set base-ref to the branch the PR merges into'
    )
  })

  // Issue 22: a head with no change (an empty commit) measured the same code twice.
  it('a head with the same files as the merge-base, naming base-ref', async () => {
    await expectRejection(
      find({ refs: pr, mergeBases, sameFiles: { [HEAD]: BASE } }).result,
      ConfigError,
      'base-ref: HEAD has the same files as its merge-base with origin/main (ccccccc): nothing to compare; commit the change, or set base-ref to the branch the PR merges into'
    )
  })

  it('a base-ref that is neither a branch nor a commit, after asking origin', async () => {
    const { git, result } = find({ refs: pr, origin: { main: MAIN } }, 'develop')
    await expectRejection(
      result,
      ConfigError,
      'base-ref: "develop" is neither a branch nor a commit of this repository (fetching it failed: fatal: couldn\'t find remote ref refs/heads/develop); set base-ref to the branch the PR merges into'
    )
    expect(git.fetches).toEqual(['origin develop'])
  })

  it('a base-ref a typo away from a branch, with the branch to write instead', async () => {
    const { result } = find({ refs: pr, origin: { main: MAIN } }, 'mian')
    await expectRejection(
      result,
      ConfigError,
      'base-ref: "mian" is neither a branch nor a commit of this repository (fetching it failed: fatal: couldn\'t find remote ref refs/heads/mian); did you mean main?'
    )
  })

  it('a folder outside any git checkout, naming the folder', async () => {
    await expectRejection(
      find({ toplevel: null, refs: {} }).result,
      ConfigError,
      'baseline: merge-base needs a git checkout, and /repo/svc is not one; use baseline: none or the path of a report.json'
    )
  })

  it('a repository without a commit', async () => {
    await expectRejection(
      find({ refs: {} }).result,
      ConfigError,
      'baseline: merge-base needs a commit at HEAD; commit first'
    )
  })
})
