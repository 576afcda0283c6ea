import type { GoroutineGroup, HeapSite, Judgement, Run } from '../model.js'
import { heapSite, makeReport } from '../../test/fixtures/reports.js'
import { chargeHeapToGoroutines, heapIsGoroutinesOwn } from './goroutines-own.js'

const records = heapSite({ function: 'runtime.systemstack', kind: 'goroutines', repoPath: undefined })
const blocked: GoroutineGroup = {
  function: 'main.awaitResult',
  file: '/src/main.go',
  line: 20,
  callPath: [],
  countGrowth: 30,
  perSec: 0.5,
  count: 40
}

/** The head of a run whose heap grew at `sites` while `goroutines` piled up. */
function head(sites: HeapSite[], goroutines: GoroutineGroup[] = [blocked]): Run {
  const run = makeReport().runs.head
  run.attribution!.heap = sites
  run.attribution!.goroutines = goroutines
  return run
}

const fail = (series: 'heap' | 'goroutines', against: 'limit' | 'base' = 'limit'): Judgement => ({
  ...makeReport().judgements[0],
  series,
  against,
  outcome: 'fail',
  rule: 'above-limit'
})

describe('heapIsGoroutinesOwn', () => {
  it("is true when the goroutines' records are all the heap grew by past the noise", () => {
    expect(heapIsGoroutinesOwn(head([records, heapSite({ withinNoise: true })]))).toBe(true)
  })

  it('is false when a line of the service grew too, or no goroutine piled up', () => {
    expect(heapIsGoroutinesOwn(head([records, heapSite()]))).toBe(false)
    expect(heapIsGoroutinesOwn(head([records], []))).toBe(false)
    expect(heapIsGoroutinesOwn(head([]))).toBe(false)
  })
})

describe('chargeHeapToGoroutines', () => {
  it("charges the heap's fails, against the limit and the base, to failing goroutines", () => {
    const judged = chargeHeapToGoroutines(
      [fail('heap'), fail('heap', 'base'), fail('goroutines')],
      head([records])
    )
    expect(judged.map((j) => [j.series, j.against, j.outcome, j.rule])).toEqual([
      ['heap', 'limit', 'pass', 'goroutines-own-memory'],
      ['heap', 'base', 'pass', 'goroutines-own-memory'],
      ['goroutines', 'limit', 'fail', 'above-limit']
    ])
  })

  it('keeps a heap fail with a line of its own, or when the goroutines do not fail', () => {
    const both = [fail('heap'), fail('goroutines')]
    expect(chargeHeapToGoroutines(both, head([records, heapSite()]))).toEqual(both)
    const heapAlone = [fail('heap'), { ...fail('goroutines'), outcome: 'pass' as const }]
    expect(chargeHeapToGoroutines(heapAlone, head([records]))).toEqual(heapAlone)
  })
})
