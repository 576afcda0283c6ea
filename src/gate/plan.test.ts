import { parseConfig } from '../config.js'
import type { Side } from '../model.js'
import { planRun } from './plan.js'

const base: Side = { side: 'base', moduleDir: '/tmp/tree/svc', repoRoot: '/tmp/tree', commit: 'b'.repeat(40) }

describe('planRun', () => {
  it("gives each stage its part of the Config, with the side's folder and the label's files", () => {
    const config = parseConfig({
      env: 'GODEBUG=gctrace=1\nADDR=:6060',
      memprofilerate: '1',
      'load-command': './load.sh',
      warmup: '5s',
      duration: '20s',
      'max-duration': '60s',
      'max-heap-growth': '1MiB/min',
      'max-goroutine-growth': 'off'
    })
    const { measure, limits } = planRun(config, base, 'base-2', '/out')
    expect(measure).toMatchObject({
      side: base,
      label: 'base-2',
      outDir: '/out',
      build: { moduleDir: '/tmp/tree/svc', package: config.package, buildCommand: null },
      service: {
        cwd: '/tmp/tree/svc',
        env: { GODEBUG: 'gctrace=1,memprofilerate=1,tracebackancestors=5', ADDR: ':6060' },
        logPath: '/out/logs/base-2-service.log'
      },
      // Warm-up and the longest sampling, and 10 s more: the load must outlast the samples.
      load: {
        loadCommand: './load.sh',
        cwd: '/tmp/tree/svc',
        durationSec: 75,
        logPath: '/out/logs/base-2-load.log'
      },
      warmupMs: 5000,
      sampler: {
        lookTimesSec: [20, 40, 60],
        maxIntervalMs: 2500,
        // A load-command is told its duration at its start: auto may not move the looks later.
        looksMayMove: false,
        profilesDir: '/out/profiles/base-2'
      }
    })
    expect(limits).toEqual({ heap: config.maxHeapGrowth, goroutines: null })
  })

  it('adds only tracebackancestors without memprofilerate, and lets auto move the looks with the built-in load', () => {
    const config = parseConfig({ env: 'ADDR=:6060', memprofilerate: 'off' })
    const { measure } = planRun(config, base, 'base', '/out')
    expect(measure.service.env).toEqual({ ADDR: ':6060', GODEBUG: 'tracebackancestors=5' })
    expect(measure.sampler.looksMayMove).toBe(true)
  })

  it("keeps the user's own tracebackancestors", () => {
    const config = parseConfig({ env: 'GODEBUG=tracebackancestors=0', memprofilerate: '4096' })
    const { measure } = planRun(config, base, 'base', '/out')
    expect(measure.service.env.GODEBUG).toBe('tracebackancestors=0,memprofilerate=4096')
  })
})
