// interval: auto end to end, on a real Go service with a live heap large enough that a
// sample's forced GCs cost it real CPU: the interval is chosen from what the first sample
// cost, the looks move later so that each keeps its 8 samples, and the report says so;
// with a load-command, which runs for the time it was told, they stay, over the budget.
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { SERVICES } from './fixtures/services.js'
import { groupAlive, groupsStarted, runCli } from './helpers/cli.js'

jest.setTimeout(60_000)

/** memgate run on big-heap at 64 MiB: about 0.1 s of CPU a sample, so about every 1.3 s at 10%. */
async function runBigHeap(budget: string, flags: string[] = []) {
  const port = await freePort()
  const out = mkdtempSync(join(tmpdir(), 'memgate-overhead-'))
  const result = await runCli([
    'run',
    '--working-directory',
    `${SERVICES}big-heap`,
    '--env',
    `ADDR=127.0.0.1:${port}`,
    '--env',
    'LIVE_HEAP_MIB=64',
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--warmup',
    '1s',
    '--duration',
    '8s',
    '--max-duration',
    '8s',
    '--sampling-budget',
    budget,
    '--out',
    out,
    ...flags
  ])
  for (const pgid of groupsStarted(result.stderr)) expect(groupAlive(pgid)).toBe(false)
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
  return { result, report, markdown: readFileSync(join(out, 'report.md'), 'utf8') }
}

it('spaces the samples of a 64 MiB heap to keep its forced GCs within sampling-budget', async () => {
  const { result, report, markdown } = await runBigHeap('10%')
  expect(result.code).toBe(0)
  const { interval, samples, looks } = report.runs.head
  // Whether the later samples kept within the budget depends on the machine's load: the
  // bench measures that; here, that the first sample's cost chose the interval.
  expect(interval).toMatchObject({ mode: 'auto', reason: 'budget', costMeasure: 'cpu' })
  expect(interval!.intervalMs).toBeGreaterThan(1000)
  expect(interval!.gcCostPerSampleSec).toBeGreaterThan(0.05)
  // The first look at 8 s × the factor: still 8 intervals.
  expect(interval!.lookTimesFactor).toBeCloseTo(interval!.intervalMs / 1000, 5)
  expect(looks.at(-1)!.atSec).toBeGreaterThan(8)
  expect(samples.length).toBeGreaterThanOrEqual(9)
  expect(samples[1].t - samples[0].t).toBeGreaterThan(interval!.intervalMs / 1000 - 0.1)
  // Two forced GCs a sample, each marking 64 MiB: every sample's cost is read.
  expect(samples.every((s) => s.gcCostMs !== undefined)).toBe(true)
  // Within the budget, or over it when later samples cost more on a busy machine: either way
  // the line names the interval, the cost, and the looks moved.
  expect(markdown).toMatch(
    /sampled every [\d.]+s \(interval: auto, to keep the budget\): a sample&#39;s forced GCs took \d+ ms of the service&#39;s CPU, [\d.]+% of one core(?: \(sampling-budget 10%\)|, over the sampling-budget 10%: later samples cost more than the first, from which the interval was chosen); the looks came [\d.]+× later/
  )
})

it('keeps the looks where they are with a load-command, which runs for the time it was told', async () => {
  // A load that ends on its own clock (MEMGATE_DURATION): the looks cannot move later than it.
  // At 5% a sample of 50 ms or more asks for more than the 1 s that duration 8s allows.
  const { result, report, markdown } = await runBigHeap('5%', ['--load-command', 'sleep "$MEMGATE_DURATION"'])
  expect(result.code).toBe(0)
  const { interval, looks } = report.runs.head
  expect(interval).toMatchObject({
    mode: 'auto',
    reason: 'load-command',
    lookTimesFactor: 1,
    intervalMs: 1000
  })
  expect(interval!.budgetIntervalMs).toBeGreaterThan(1000)
  expect(looks.at(-1)!.atSec).toBeLessThanOrEqual(8.5)
  expect(markdown).toMatch(
    /interval: auto, as wide as the load-command&#39;s duration allows\).*the load-command runs for the MEMGATE&#95;DURATION it was given, so the looks could not move later; a duration of [\d.]+s or more/
  )
})
