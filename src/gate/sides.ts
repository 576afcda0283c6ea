// Measures the head, and the merge-base beside it when asked, in pairs: base, head, then
// head, base (ABBA), so that drift of the machine (a noisy neighbour, a thermal throttle)
// falls on both sides alike instead of on whichever side ran second. While head − base
// straddles the allowance, one more pair, up to max-repeats.
import { existsSync, realpathSync } from 'node:fs'
import { join, relative } from 'node:path'
import { combineRepeats } from '../analysis/repeats.js'
import { changedLinesSince } from '../baseline/changed-lines.js'
import { createGit } from '../baseline/git.js'
import { findMergeBase, type MergeBase } from '../baseline/merge-base.js'
import { withWorktree } from '../baseline/worktree.js'
import { ConfigError } from '../config.js'
import type { RunContext } from '../engine/run-context.js'
import { GateError, OutputError } from '../errors.js'
import type { BaselineMissing, ChangedLines, Run, Side } from '../model.js'
import type { PairsPlan } from './plan.js'
import type { MeasureOnce } from './run.js'

/** What the pair loop does through others: measure a side once, and ask git. Fakes in tests. */
export interface SidesSeams {
  measureOnce: MeasureOnce
  repoRootOf: (moduleDir: string) => Promise<string>
  findMergeBase: (moduleDir: string, baseRef: string | null) => Promise<MergeBase>
  /** The lines the head changed since `commit`, by repository path (git, run in `root`). */
  changedLinesSince: (root: string, commit: string) => Promise<ChangedLines>
  withWorktree: <T>(
    root: string,
    commit: string,
    log: (line: string) => void,
    use: (dir: string) => Promise<T>
  ) => Promise<T>
}

/** The real git, for the seams the gate and calibrate do not fake. */
export const gitSeams: Omit<SidesSeams, 'measureOnce'> = {
  repoRootOf,
  findMergeBase,
  changedLinesSince: (root, commit) => changedLinesSince(createGit(root), commit),
  withWorktree
}

export interface SidesOptions extends SidesSeams {
  /** Whether head − base after these pairs is still undecided, so that one more pair would help. */
  needsAnotherPair: (head: Run, base: Run) => boolean
}

export interface Sides {
  head: Run
  /** null: no baseline was asked for, or none could be measured (then `baselineMissing` says why). */
  base: Run | null
  baselineMissing: BaselineMissing | null
}

export async function measureSides(
  plan: PairsPlan,
  moduleDir: string,
  ctx: RunContext,
  options: SidesOptions
): Promise<Sides> {
  const headOnly = (side: Side, baselineMissing: BaselineMissing | null) =>
    measureRepeats(plan, side, null, ctx, options).then((s) => ({ ...s, baselineMissing }))
  const head: Side = { side: 'head', moduleDir, repoRoot: await options.repoRootOf(moduleDir) }
  if (plan.baseline.kind !== 'merge-base') return headOnly(head, null)

  const mb = await options.findMergeBase(moduleDir, plan.baseRef)
  ctx.log(`base: ${mb.baseRef} (${FOUND_BY[mb.found]}), merge-base ${mb.commit?.slice(0, 12) ?? 'none'}`)
  if (!mb.commit)
    return headOnly({ ...head, commit: mb.headCommit }, { why: 'no-shared-history', baseRef: mb.baseRef })
  // The pull request's own lines: its sites rank first in the head's attribution.
  const changedLines = await options.changedLinesSince(mb.root, mb.commit)
  const headSide: Side = { ...head, commit: mb.headCommit, changedLines }
  // The same working-directory relative to the repository root, in the merge-base's tree.
  const inRepo = relative(realpathSync(mb.root), realpathSync(moduleDir))
  if (inRepo.startsWith('..'))
    throw new ConfigError(
      `working-directory: ${plan.workingDirectory} lies outside the git repository ${mb.root}; baseline: merge-base can only measure folders of the repository`
    )
  const commit = mb.commit
  return options.withWorktree(mb.root, commit, ctx.log, async (tree) => {
    const baseDir = join(tree, inRepo)
    const repoRoot = await options.repoRootOf(baseDir)
    const base: Side = { side: 'base', moduleDir: baseDir, repoRoot, ref: mb.baseRef, commit }
    if (existsSync(baseDir)) return measureRepeats(plan, headSide, base, ctx, options)
    return headOnly(headSide, { why: 'no-folder', baseRef: mb.baseRef, commit, folder: inRepo || '.' })
  })
}

/** How the base ref was chosen, in the run's log: a wrong default branch is found there. */
const FOUND_BY: Record<MergeBase['found'], string> = {
  'base-ref': 'base-ref',
  'origin/HEAD': 'the default branch, from origin/HEAD',
  'main or master': 'the default branch: no origin/HEAD, so main or master'
}

/** Where profile paths are made relative to: the side's git checkout, else its module folder. */
export async function repoRootOf(moduleDir: string): Promise<string> {
  return (await createGit(moduleDir).showToplevel()) ?? moduleDir
}

/**
 * Pairs in ABBA order: base, head, head, base, … A base that does not build or does not
 * run is no baseline (said plainly, then judged on the absolute limits); a head that fails
 * is the user's error and ends the gate.
 */
async function measureRepeats(
  plan: PairsPlan,
  head: Side,
  base: Side | null,
  ctx: RunContext,
  options: SidesOptions
): Promise<Sides> {
  const heads: Run[] = []
  const bases: Run[] = []
  let baselineMissing: BaselineMissing | null = null
  let baseSide = base
  const measureBase = async (pair: number) => {
    if (!baseSide) return
    try {
      bases.push(await options.measureOnce(baseSide, pairLabel(baseSide, pair)))
    } catch (e) {
      // A folder that cannot be written fails the head as well: it is no reason to drop the base.
      if (!(e instanceof GateError) || e instanceof OutputError || ctx.signal?.aborted) throw e
      if (e.detail) ctx.log(e.detail)
      baselineMissing = { why: 'base-failed', commit: baseSide.commit, error: e.message }
      baseSide = null
    }
  }
  for (let pair = 1; ; pair++) {
    if (pair % 2 === 1) await measureBase(pair)
    heads.push(await options.measureOnce(head, pairLabel(head, pair)))
    if (pair % 2 === 0) await measureBase(pair)
    if (pair < plan.repeats) continue
    if (!baseSide || pair >= plan.maxRepeats) break
    if (!options.needsAnotherPair(combineRepeats(heads), combineRepeats(bases))) break
    ctx.log(
      `head − base is still unclear after ${pair} pair${pair > 1 ? 's' : ''}: one more (at most ${plan.maxRepeats})`
    )
  }
  return {
    head: combineRepeats(heads),
    base: baseSide ? combineRepeats(bases) : null,
    baselineMissing
  }
}

/** Where a run's profiles and logs go: head, base, then head-2, base-2, … */
const pairLabel = (side: Side, pair: number) => (pair > 1 ? `${side.side}-${pair}` : side.side)
