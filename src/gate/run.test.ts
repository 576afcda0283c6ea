// One run judged at its looks, with a fake engine that asks the look callback as the
// sampler does (each look in order, until one says stop): which looks happen and why the
// run stops, without a process.
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseConfig } from '../config.js'
import type { MeasureRequest } from '../engine/measure.js'
import type { Measurement, Sample, Side, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'
import { planRun } from './plan.js'
import { measureRun, type Measure } from './run.js'

const MiB = 1024 * 1024
const side: Side = { side: 'head', moduleDir: '/src/svc', repoRoot: '/src' }
const ctx = { log: () => {}, redact: (t: string) => t }

/** Looks at 10, 20 and 30 s of sampling, the heap limited to 1 MiB/min, goroutines not. */
function plan() {
  const config = parseConfig({
    duration: '10s',
    'max-duration': '30s',
    interval: '1s',
    'max-heap-growth': '1MiB/min',
    'max-goroutine-growth': 'off'
  })
  return planRun(config, side, 'head', mkdtempSync(join(tmpdir(), 'memgate-run-')))
}

/** A heap profile where main.leak holds `bytes`, counted exactly. */
const profile = (bytes: number): HeapSummary => ({
  inuseBytes: bytes,
  inuseObjects: bytes / 64,
  ownAllocByStack: new Map(),
  samplingRateBytes: 1,
  stacks: [
    {
      frames: [{ function: 'main.leak', file: '/src/svc/main.go', line: 12 }],
      siteAt: 0,
      owner: 'service',
      bytes,
      objects: bytes / 64,
      varianceBytes2: 0
    }
  ]
})

/**
 * A fake engine: a sample a second; a heap profile at the first sample and at each look
 * (`profileAt(look)` bytes held by main.leak); the look callback asked as the sampler asks it.
 */
function fakeEngine(heapBytesAt: (t: number) => number, profileAt: (look: number) => number) {
  const asked: number[] = []
  const requests: MeasureRequest[] = []
  const measure: Measure = async (req) => {
    requests.push(req)
    mkdirSync(req.sampler.profilesDir, { recursive: true }) // as the sampler makes it
    const lookTimes = req.sampler.lookTimesSec
    const samples: Sample[] = []
    const heap: Timed<HeapSummary>[] = [{ t: 0, summary: profile(profileAt(-1)), file: 'heap-000.pb.gz' }]
    for (let t = 0, look = 0; look < lookTimes.length; t++) {
      samples.push({ t, liveHeapBytes: heapBytesAt(t), liveHeapObjects: null, goroutines: 8, rssBytes: null })
      if (t < lookTimes[look]) continue
      heap.push({ t, summary: profile(profileAt(look)), file: `heap-${t}.pb.gz` })
      asked.push(look)
      const stop = req.atLook([...samples], {
        index: look,
        count: lookTimes.length,
        atSec: t,
        requests: null,
        heapProfiles: [...heap]
      })
      look = stop ? lookTimes.length : look + 1
    }
    const m: Measurement = {
      side: req.side,
      module: { goVersion: 'go1.26.0', modules: [], moduleDir: '/src/svc', repoRoot: '/src' },
      sampling: {
        samples,
        attempted: samples.length,
        heap,
        goroutines: [],
        notes: [],
        requests: null,
        goroutineText: null,
        goroutineOrigins: null,
        goroutineLeaks: null,
        allocated: null
      },
      load: { kind: 'command', command: 'load.sh', requests: null, errors: null, achievedRatePerSec: null },
      notes: [],
      profilesDir: 'profiles/head',
      idle: null
    }
    return m
  }
  return { measure, asked, requests }
}

const flat = () => 10 * MiB
/** 1 MiB a second: far over 1 MiB/min. */
const leaking = (t: number) => 10 * MiB + t * MiB

describe('measureRun', () => {
  it('gives the engine the plan as made, with only the look callback added', async () => {
    const p = plan()
    const engine = fakeEngine(flat, () => 0)
    await measureRun(p, ctx, engine.measure)
    expect(engine.requests).toEqual([{ ...p.measure, atLook: expect.any(Function) }])
  })

  it('stops at the first look that decides every limited series', async () => {
    const engine = fakeEngine(flat, () => 0)
    const run = await measureRun(plan(), ctx, engine.measure)
    expect(engine.asked).toEqual([0])
    expect(run.looks).toHaveLength(1)
    expect(run.looks[0]).toMatchObject({ index: 0, count: 3, atSec: 10 })
    expect(run.looks[0].decisions.heap?.outcome).toBe('pass')
  })

  it('waits for the next look to confirm a heap fail, and stops there when its line is named', async () => {
    const engine = fakeEngine(leaking, (look) => (look >= 0 ? 20 * MiB : MiB))
    const run = await measureRun(plan(), ctx, engine.measure)
    expect(engine.asked).toEqual([0, 1])
    expect(run.looks.map((l) => l.decisions.heap)).toEqual([
      { outcome: 'continue', rule: 'confirming', failRule: 'above-limit' },
      { outcome: 'fail', rule: 'above-limit' }
    ])
    expect(run.looks.map((l) => l.samplingOnToName ?? false)).toEqual([false, false])
  })

  it('samples on past a confirmed heap fail whose line is not named yet, and stops at the look that names it', async () => {
    // main.leak does not grow in the profiles until the third look.
    const engine = fakeEngine(leaking, (look) => (look >= 2 ? 20 * MiB : MiB))
    const run = await measureRun(plan(), ctx, engine.measure)
    expect(engine.asked).toEqual([0, 1, 2])
    expect(run.looks.map((l) => l.samplingOnToName ?? false)).toEqual([false, true, false])
    expect(run.looks[1].decisions.heap?.outcome).toBe('fail')
    // The fail is held from the look it happened at, not judged again on more samples.
    expect(run.looks[2].decisions.heap).toEqual(run.looks[1].decisions.heap)
  })

  it('does not fail growth that levelled off by the look after the one that would have failed it', async () => {
    // A cache filling at 1 MiB a second until full at 9 s of sampling: a hockey stick.
    const engine = fakeEngine(
      (t) => leaking(Math.min(t, 9)),
      () => 20 * MiB
    )
    const run = await measureRun(plan(), ctx, engine.measure)
    expect(run.looks[0].decisions.heap).toMatchObject({ outcome: 'continue', rule: 'confirming' })
    expect(run.looks.map((l) => l.decisions.heap?.outcome)).not.toContain('fail')
  })
})
