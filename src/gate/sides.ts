// Measures the head, and the merge-base beside it when asked, in pairs: base, head, then
// head, base (ABBA), so that drift of the machine (a noisy neighbour, a thermal throttle)
// falls on both sides alike instead of on whichever side ran second. While head − base
// straddles the allowance, one more pair, up to max-repeats.
import { existsSync, realpathSync } from 'node:fs'
import { join, relative } from 'node:path'
import { combineRepeats } from '../analysis/repeats.js'
import { heapGrowth, toRun } from '../analysis/run.js'
import { namesHeapGrowth } from '../analysis/attribution.js'
import { lookTimesSec } from '../analysis/looks.js'
import { heapFailedAt, judgeLook } from '../analysis/verdict.js'
import { createGit } from '../baseline/git.js'
import { findMergeBase } from '../baseline/merge-base.js'
import { withWorktree } from '../baseline/worktree.js'
import { ConfigError, type Config } from '../config.js'
import { measure } from '../engine/measure.js'
import { writeOutput } from '../engine/out-dir.js'
import { GateError, OutputError } from '../errors.js'
import type { Log, LookRecord, Run, Side, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'
import { heapGrowthFlameGraph } from '../report/flamegraph.js'
import { describeLook } from '../report/judgement.js'

const FLAMEGRAPH_FILE = 'heap-growth-flamegraph.svg'

export interface SidesOptions {
  outDir: string
  /** Whether head − base after these pairs is still undecided, so that one more pair would help. */
  needsAnotherPair: (head: Run, base: Run) => boolean
  /** Hides secrets in what the build, the service and the load print. */
  redact: (text: string) => string
  log: Log
  signal?: AbortSignal
}

export interface Sides {
  head: Run
  /** null: no baseline was asked for, or none could be measured (said in notices). */
  base: Run | null
  notices: string[]
}

/** What the report says first when the baseline was asked for but could not be had. */
const noBaseline = (why: string) => `No baseline: ${why}. The verdict rests on the absolute limits alone.`

export async function measureSides(config: Config, moduleDir: string, options: SidesOptions): Promise<Sides> {
  const headOnly = (side: Side, notices: string[]) =>
    measureRepeats(config, side, null, options).then((s) => ({ ...s, notices }))
  const head: Side = { side: 'head', moduleDir, repoRoot: await repoRootOf(moduleDir) }
  if (config.baseline.kind !== 'merge-base') return headOnly(head, [])

  const mb = await findMergeBase(moduleDir, config.baseRef)
  const headSide: Side = { ...head, commit: mb.headCommit }
  if (!mb.commit)
    return headOnly(headSide, [
      noBaseline(`HEAD and ${mb.baseRef} share no history (a first commit or unrelated branches)`)
    ])
  // The same working-directory relative to the repository root, in the merge-base's tree.
  const inRepo = relative(realpathSync(mb.root), realpathSync(moduleDir))
  if (inRepo.startsWith('..'))
    throw new ConfigError(
      `working-directory: ${config.workingDirectory} lies outside the git repository ${mb.root}; baseline: merge-base can only measure folders of the repository`
    )
  const commit = mb.commit
  return withWorktree(mb.root, commit, options.log, async (tree) => {
    const baseDir = join(tree, inRepo)
    const repoRoot = await repoRootOf(baseDir)
    const base: Side = { side: 'base', moduleDir: baseDir, repoRoot, ref: mb.baseRef, commit }
    if (existsSync(baseDir)) return measureRepeats(config, headSide, base, options)
    const why = `the merge-base ${commit.slice(0, 12)} of HEAD and ${mb.baseRef} has no ${inRepo || '.'} folder`
    return headOnly(headSide, [noBaseline(why)])
  })
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
  config: Config,
  head: Side,
  base: Side | null,
  options: SidesOptions
): Promise<Sides> {
  const heads: Run[] = []
  const bases: Run[] = []
  const notices: string[] = []
  let baseSide = base
  const measureBase = async (pair: number) => {
    if (!baseSide) return
    try {
      bases.push(await measureRun(config, baseSide, pairLabel(baseSide, pair), options))
    } catch (e) {
      // A folder that cannot be written fails the head as well: it is no reason to drop the base.
      if (!(e instanceof GateError) || e instanceof OutputError || options.signal?.aborted) throw e
      if (e.detail) options.log(e.detail)
      notices.push(
        noBaseline(`the merge-base ${baseSide.commit?.slice(0, 12)} could not be measured: ${e.message}`)
      )
      baseSide = null
    }
  }
  for (let pair = 1; ; pair++) {
    if (pair % 2 === 1) await measureBase(pair)
    heads.push(await measureRun(config, head, pairLabel(head, pair), options))
    if (pair % 2 === 0) await measureBase(pair)
    if (pair < config.repeats) continue
    if (!baseSide || pair >= config.maxRepeats) break
    if (!options.needsAnotherPair(combineRepeats(heads), combineRepeats(bases))) break
    options.log(
      `head − base is still unclear after ${pair} pair${pair > 1 ? 's' : ''}: one more (at most ${config.maxRepeats})`
    )
  }
  return { head: combineRepeats(heads), base: baseSide ? combineRepeats(bases) : null, notices }
}

/** Whether the first heap profile and this look's name a growing line; undefined without two. */
function heapLineNamed(profiles: readonly Timed<HeapSummary>[]): boolean | undefined {
  const [first, last] = [profiles[0], profiles.at(-1)]
  return first && last && first !== last ? namesHeapGrowth(first.summary, last.summary) : undefined
}

/** Where a run's profiles and logs go: head, base, then head-2, base-2, … */
const pairLabel = (side: Side, pair: number) => (pair > 1 ? `${side.side}-${pair}` : side.side)

export type RunOptions = Pick<SidesOptions, 'outDir' | 'redact' | 'log' | 'signal'>

/** One run of one side, judged at its looks against the absolute limits; `label` names its outputs. */
export async function measureRun(
  config: Config,
  side: Side,
  label: string,
  options: RunOptions
): Promise<Run> {
  const looks: LookRecord[] = []
  const m = await measure(config, side, {
    outDir: options.outDir,
    label,
    redact: options.redact,
    lookTimesSec: lookTimesSec(config.durationMs / 1000, config.maxDurationMs / 1000),
    atLook: (samples, look) => {
      const { record, stop } = judgeLook({
        samples,
        ...look,
        limits: { heap: config.maxHeapGrowth, goroutines: config.maxGoroutineGrowth },
        requestsPerSec: look.requests === null || look.atSec <= 0 ? null : look.requests / look.atSec,
        heapLineNamed: heapLineNamed(look.heapProfiles),
        heapFailed: heapFailedAt(looks)?.decisions.heap
      })
      looks.push(record)
      options.log(`${label}: ${describeLook(record, stop)}`)
      return stop
    },
    log: options.log,
    signal: options.signal
  })
  const heapDiff = heapGrowth(m)
  // The flame graph of what the heap kept between the first and the last sample.
  if (heapDiff)
    writeOutput(join(options.outDir, m.profilesDir, FLAMEGRAPH_FILE), heapGrowthFlameGraph(heapDiff))
  return toRun(m, {
    warmupSec: config.warmupMs / 1000,
    looks,
    quiesce: config.quiesce,
    flamegraphFile: heapDiff ? FLAMEGRAPH_FILE : null,
    heapDiff
  })
}
