// The pair loop with a fake "measure one side once" and a fake git: which runs happen, in
// which order, and when the baseline falls away; no process is started.
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import type { MergeBase } from '../baseline/merge-base.js'
import { GateError, OutputError } from '../errors.js'
import type { Run, Side } from '../model.js'
import { passReport } from '../../test/fixtures/reports.js'
import type { PairsPlan } from './plan.js'
import { measureSides, type SidesOptions } from './sides.js'

/** A checkout with the module in svc/, and a merge-base tree with or without it. */
function repo(baseHasFolder = true) {
  const root = mkdtempSync(join(tmpdir(), 'memgate-sides-'))
  mkdirSync(join(root, 'head', 'svc'), { recursive: true })
  mkdirSync(join(root, 'tree'))
  if (baseHasFolder) mkdirSync(join(root, 'tree', 'svc'))
  return { root: join(root, 'head'), moduleDir: join(root, 'head', 'svc'), tree: join(root, 'tree') }
}

const plan = (more: Partial<PairsPlan> = {}): PairsPlan => ({
  baseline: { kind: 'merge-base' },
  baseRef: 'main',
  workingDirectory: 'svc',
  repeats: 1,
  maxRepeats: 1,
  ...more
})

/** Fakes that record each run's label, in the order measured. */
function fakes(
  r: ReturnType<typeof repo>,
  more: Partial<SidesOptions> & { mergeBase?: Partial<MergeBase> } = {}
) {
  const measured: string[] = []
  const sides: Side[] = []
  const options: SidesOptions = {
    measureOnce: async (side, label) => {
      measured.push(label)
      sides.push(side)
      return { ...passReport().runs.head, side: side.side, profilesDir: `profiles/${label}` } satisfies Run
    },
    repoRootOf: async (dir) => (dir.startsWith(r.tree) ? r.tree : r.root),
    findMergeBase: async (_dir, baseRef) => ({
      root: r.root,
      headCommit: 'h'.repeat(40),
      baseRef: `origin/${baseRef}`,
      commit: 'b'.repeat(40),
      found: 'base-ref' as const,
      ...more.mergeBase
    }),
    withWorktree: async (_root, _commit, _log, use) => use(r.tree),
    changedLinesSince: async () => ({ 'svc/main.go': [21] }),
    needsAnotherPair: () => false,
    ...more
  }
  return { options, measured, sides }
}

const ctx = { log: () => {}, redact: (t: string) => t }

describe('measureSides', () => {
  it('measures base, then head, once each by default', async () => {
    const r = repo()
    const { options, measured, sides } = fakes(r)
    const result = await measureSides(plan(), r.moduleDir, ctx, options)
    expect(measured).toEqual(['base', 'head'])
    expect(sides[0]).toEqual({
      side: 'base',
      moduleDir: join(r.tree, 'svc'),
      repoRoot: r.tree,
      ref: 'origin/main',
      commit: 'b'.repeat(40)
    })
    // The head carries the lines the pull request changed, for attribution to rank first.
    expect(sides[1]).toEqual({
      side: 'head',
      moduleDir: r.moduleDir,
      repoRoot: r.root,
      commit: 'h'.repeat(40),
      changedLines: { 'svc/main.go': [21] }
    })
    expect(result.base).not.toBeNull()
    expect(result.baselineMissing).toBeNull()
  })

  it('alternates the pairs ABBA: base, head, head, base, …, `repeats` pairs', async () => {
    const r = repo()
    const { options, measured } = fakes(r)
    const result = await measureSides(plan({ repeats: 4, maxRepeats: 4 }), r.moduleDir, ctx, options)
    expect(measured).toEqual(['base', 'head', 'head-2', 'base-2', 'base-3', 'head-3', 'head-4', 'base-4'])
    expect(result.head.repeats?.map((x) => x.profilesDir)).toEqual([
      'profiles/head',
      'profiles/head-2',
      'profiles/head-3',
      'profiles/head-4'
    ])
    expect(result.base?.repeats?.map((x) => x.profilesDir)).toEqual([
      'profiles/base',
      'profiles/base-2',
      'profiles/base-3',
      'profiles/base-4'
    ])
  })

  it('adds a pair while head − base is unclear, up to max-repeats, asking after each pair from `repeats` on', async () => {
    const r = repo()
    const asked: number[] = []
    const { options, measured } = fakes(r, {
      needsAnotherPair: (head) => {
        asked.push(head.repeats?.length ?? 1)
        return true
      }
    })
    await measureSides(plan({ repeats: 2, maxRepeats: 3 }), r.moduleDir, ctx, options)
    expect(measured).toEqual(['base', 'head', 'head-2', 'base-2', 'base-3', 'head-3'])
    // After pair 2 (the `repeats`), not after pair 3 (max-repeats: no more to add).
    expect(asked).toEqual([2])
  })

  it('stops at `repeats` once head − base is clear', async () => {
    const r = repo()
    const { options, measured } = fakes(r, { needsAnotherPair: () => false })
    await measureSides(plan({ repeats: 1, maxRepeats: 5 }), r.moduleDir, ctx, options)
    expect(measured).toEqual(['base', 'head'])
  })

  it('measures the head alone, with no merge-base looked up, when the baseline is none', async () => {
    const r = repo()
    const findMergeBase = jest.fn<SidesOptions['findMergeBase']>()
    const { options, measured } = fakes(r, { findMergeBase })
    const result = await measureSides(
      plan({ baseline: { kind: 'none' }, repeats: 3, maxRepeats: 3 }),
      r.moduleDir,
      ctx,
      options
    )
    expect(measured).toEqual(['head', 'head-2', 'head-3'])
    expect(findMergeBase).not.toHaveBeenCalled()
    expect(result.base).toBeNull()
    expect(result.baselineMissing).toBeNull()
  })

  it('measures the head alone, and says why, when the merge-base has no such folder', async () => {
    const r = repo(false)
    const { options, measured } = fakes(r)
    const result = await measureSides(plan({ repeats: 2, maxRepeats: 4 }), r.moduleDir, ctx, options)
    expect(measured).toEqual(['head', 'head-2'])
    expect(result.base).toBeNull()
    expect(result.baselineMissing).toEqual({
      why: 'no-folder',
      baseRef: 'origin/main',
      commit: 'b'.repeat(40),
      folder: 'svc'
    })
  })

  it('logs which ref it took as the base, and how it found it', async () => {
    const r = repo()
    const { options } = fakes(r, { mergeBase: { baseRef: 'origin/trunk', found: 'origin/HEAD' } })
    const lines: string[] = []
    await measureSides(
      plan({ baseRef: null }),
      r.moduleDir,
      { ...ctx, log: (l: string) => lines.push(l) },
      options
    )
    expect(lines).toContain(
      `base: origin/trunk (the default branch, from origin/HEAD), merge-base ${'b'.repeat(12)}`
    )
  })

  it('measures the head alone when HEAD and the base share no history', async () => {
    const r = repo()
    let checkedOut = false
    const withWorktree: SidesOptions['withWorktree'] = async (_root, _commit, _log, use) => {
      checkedOut = true
      return use(r.tree)
    }
    const { options, measured } = fakes(r, { mergeBase: { commit: null }, withWorktree })
    const result = await measureSides(plan(), r.moduleDir, ctx, options)
    expect(measured).toEqual(['head'])
    expect(checkedOut).toBe(false)
    expect(result.baselineMissing).toEqual({ why: 'no-shared-history', baseRef: 'origin/main' })
  })

  it('drops a base that fails to run and goes on with the head alone, without asking for more pairs', async () => {
    const r = repo()
    const needsAnotherPair = jest.fn(() => true)
    const { options, measured } = fakes(r, { needsAnotherPair })
    const measureOnce = options.measureOnce
    options.measureOnce = async (side, label) => {
      if (label === 'base-2') {
        await measureOnce(side, label)
        throw new GateError('the service exited with code 2 during the run')
      }
      return measureOnce(side, label)
    }
    const result = await measureSides(plan({ repeats: 3, maxRepeats: 5 }), r.moduleDir, ctx, options)
    expect(measured).toEqual(['base', 'head', 'head-2', 'base-2', 'head-3'])
    expect(needsAnotherPair).not.toHaveBeenCalled()
    expect(result.base).toBeNull()
    expect(result.baselineMissing).toEqual({
      why: 'base-failed',
      commit: 'b'.repeat(40),
      error: 'the service exited with code 2 during the run'
    })
  })

  it('ends the gate when the base fails because the output folder cannot be written, or when cancelled', async () => {
    const r = repo()
    const failing = (e: Error) => fakes(r, { measureOnce: async () => Promise.reject(e) }).options
    await expect(
      measureSides(plan(), r.moduleDir, ctx, failing(new OutputError('/out/x', 'read-only')))
    ).rejects.toBeInstanceOf(OutputError)
    const cancelled = { ...ctx, signal: AbortSignal.abort() }
    await expect(
      measureSides(plan(), r.moduleDir, cancelled, failing(new GateError('cancelled while sampling')))
    ).rejects.toThrow('cancelled while sampling')
  })

  it('ends the gate when the head fails', async () => {
    const r = repo()
    const { options, measured } = fakes(r)
    const measureOnce = options.measureOnce
    options.measureOnce = async (side, label) => {
      if (side.side === 'head') throw new GateError('go build . failed (exit code 1)')
      return measureOnce(side, label)
    }
    await expect(measureSides(plan(), r.moduleDir, ctx, options)).rejects.toThrow('go build . failed')
    expect(measured).toEqual(['base'])
  })
})
