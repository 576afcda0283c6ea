// One run of one side, judged at its looks against the absolute limits, made into a Run.
import { join } from 'node:path'
import { heapProfileNames, type HeapNamed } from '../analysis/attribution.js'
import { heapGrowth, toRun } from '../analysis/run.js'
import { heapFailedAt, judgeLook } from '../analysis/verdict.js'
import type { Config } from '../config.js'
import { measure, type MeasureRequest } from '../engine/measure.js'
import { writeOutput } from '../engine/out-dir.js'
import type { RunContext } from '../engine/run-context.js'
import type { LookRecord, Measurement, Run, Side, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'
import { heapGrowthFlameGraph } from '../report/flamegraph.js'
import { describeLook } from '../report/judgement.js'
import { planRun, type RunPlan } from './plan.js'

const FLAMEGRAPH_FILE = 'heap-growth-flamegraph.svg'

/** Measures one side once: engine/measure.ts, or a fake in tests. */
export type Measure = (req: MeasureRequest, ctx: RunContext) => Promise<Measurement>

/** One run of one side; `label` names its outputs ("head", "base-2"). */
export type MeasureOnce = (side: Side, label: string) => Promise<Run>

/** Runs with the engine, each planned from `config`. */
export function measureOnceWith(config: Config, outDir: string, ctx: RunContext): MeasureOnce {
  return (side, label) => measureRun(planRun(config, side, label, outDir), ctx)
}

export async function measureRun(
  plan: RunPlan,
  ctx: RunContext,
  measureSide: Measure = measure
): Promise<Run> {
  const { label, outDir, warmupMs, sampler } = plan.measure
  const looks: LookRecord[] = []
  const m = await measureSide(
    {
      ...plan.measure,
      atLook: (samples, look) => {
        const { record, stop } = judgeLook({
          samples,
          ...look,
          limits: plan.limits,
          requestsPerSec: look.requests === null || look.atSec <= 0 ? null : look.requests / look.atSec,
          heapNamed: heapNamed(look.heapProfiles),
          heapFailed: heapFailedAt(looks)?.decisions.heap,
          previous: looks.at(-1),
          warmupSec: warmupMs / 1000
        })
        looks.push(record)
        ctx.log(`${label}: ${describeLook(record, stop)}`)
        return stop
      }
    },
    ctx
  )
  const heapDiff = heapGrowth(m)
  // The flame graph of what the heap kept between the first and the last sample.
  if (heapDiff) writeOutput(join(outDir, m.profilesDir, FLAMEGRAPH_FILE), heapGrowthFlameGraph(heapDiff))
  return toRun(m, {
    warmupSec: warmupMs / 1000,
    looks,
    quiesce: sampler.quiesce,
    flamegraphFile: heapDiff ? FLAMEGRAPH_FILE : null,
    heapDiff
  })
}

/** What the first heap profile and this look's name as growing; undefined without two. */
function heapNamed(profiles: readonly Timed<HeapSummary>[]): HeapNamed | undefined {
  const [first, last] = [profiles[0], profiles.at(-1)]
  return first && last && first !== last ? heapProfileNames(first.summary, last.summary) : undefined
}
