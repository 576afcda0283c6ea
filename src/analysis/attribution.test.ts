import { parseGoroutineText } from '../profile/goroutine-text.js'
import { summarizeGoroutines } from '../profile/goroutines.js'
import { diffHeap } from '../profile/diff.js'
import { allocationSites, sampleVarianceBytes2, summarizeHeap, type HeapSummary } from '../profile/heap.js'
import { toRepoPath } from '../profile/paths.js'
import { buildRoot, profile, text } from '../../test/fixtures/profiles.js'
import { lineOf, marker } from '../../test/fixtures/services.js'
import { attributeGoroutines, attributeHeap, isWithinNoise } from './attribution.js'

// Every capture ran 20 s of load at a fixed rate between its start and end profiles.
const elapsedSec = 20
const layout = { repoRoot: buildRoot }
const heap = (run: string, phase: 'start' | 'end') => summarizeHeap(profile(run, `${phase}-heap.pb.gz`))
const heapGrowth = (run: string) => diffHeap(heap(run, 'start'), heap(run, 'end'))
const goroutines = (run: string, phase: 'start' | 'end') =>
  summarizeGoroutines(profile(run, `${phase}-goroutine.pb.gz`))

const heapRuns = [
  ['heap-leak', 'default-rate'],
  ['heap-leak', 'memprofilerate-1'],
  ['closure-leak', 'memprofilerate-4096'],
  ['builder-leak', 'memprofilerate-1']
]
const allRuns = [
  ...heapRuns,
  ['goroutine-leak', 'default-rate'],
  ['goroutine-leak', 'leakprofile'],
  ['clean', 'default-rate'],
  ['clean', 'memprofilerate-1']
]

describe('attributeHeap', () => {
  it.each(heapRuns)('names the marked line of %s (%s) first, as real growth', (fixture, rate) => {
    const run = `${fixture}/${rate}`
    const [top] = attributeHeap(heapGrowth(run), elapsedSec, 4000, layout)
    const leak = marker(fixture)
    expect(top).toMatchObject({
      function: 'main.handle',
      line: leak.line,
      repoPath: leak.file,
      withinNoise: false
    })
    expect(toRepoPath(top.file, layout)).toBe(leak.file)
    expect(top.bytesPerSec).toBeCloseTo(top.inuseBytesGrowth / elapsedSec)
    expect(top.bytesPerRequest).toBeCloseTo(top.inuseBytesGrowth / 4000)
    expect(top.inuseObjectsGrowth).toBeGreaterThan(0)
  })

  it.each([['default-rate'], ['memprofilerate-1']])(
    'finds no growing site in the clean service (%s)',
    (rate) => {
      const run = `clean/${rate}`
      const sites = attributeHeap(heapGrowth(run), elapsedSec, null)
      expect(sites.filter((s) => !s.withinNoise)).toEqual([])
    }
  )

  it('sorts by growth and leaves bytesPerRequest out when requests are unknown', () => {
    const run = 'closure-leak/memprofilerate-4096'
    const sites = attributeHeap(heapGrowth(run), elapsedSec, null)
    const growth = sites.map((s) => s.inuseBytesGrowth)
    expect(growth).toEqual([...growth].sort((a, b) => b - a))
    expect(sites.every((s) => s.bytesPerRequest === undefined && s.repoPath === undefined)).toBe(true)
  })

  describe('isWithinNoise', () => {
    const kib = 1024
    // The variance of a site's bytes in one sample; a growth has the sum of both samples'.
    const sampled = (samples: number) => sampleVarianceBytes2(samples * 512 * kib, 256, 512 * kib)

    it('calls a few samples at the default rate noise', () => {
      // 256 B objects: each sample stands for ~512 KiB; a new site needs 10 to count.
      expect(isWithinNoise(3 * 512 * kib, sampled(3))).toBe(true)
      expect(isWithinNoise(9 * 512 * kib, sampled(9))).toBe(true)
      expect(isWithinNoise(10 * 512 * kib, sampled(10))).toBe(false)
    })

    it('needs growth beyond three standard deviations of both samples', () => {
      // 40 then 60 samples: sd = √100 samples, growth 20 < 30.
      expect(isWithinNoise(20 * 512 * kib, sampled(40) + sampled(60))).toBe(true)
      expect(isWithinNoise(40 * 512 * kib, sampled(40) + sampled(80))).toBe(false)
    })

    it('allows for objects in flight in an exact profile', () => {
      const exact = (objects: number) => sampleVarianceBytes2(objects * 256, 256, 1)
      expect(isWithinNoise(8 * 256, exact(5) + exact(13))).toBe(true)
      expect(isWithinNoise(500 * 256, exact(1000) + exact(1500))).toBe(false)
    })
  })

  it("shows a goroutine leak's heap as the goroutines' records, not as runtime.systemstack", () => {
    const run = 'goroutine-leak/memprofilerate-4096'
    const loadSec = 10
    const sites = attributeHeap(heapGrowth(run), loadSec, null, layout)
    expect(sites[0]).toMatchObject({ kind: 'goroutines', withinNoise: false })
    expect(sites[0].repoPath).toBeUndefined()
    // About one record per goroutine added, as far as the sampled estimate can tell.
    const [leaked] = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), loadSec)
    expect(leaked.line).toBe(marker('goroutine-leak').line)
    expect(sites[0].inuseObjectsGrowth / leaked.countGrowth).toBeGreaterThan(0.7)
    expect(sites[0].inuseObjectsGrowth / leaked.countGrowth).toBeLessThan(1.3)
    expect(sites.filter((s) => !s.kind && !s.withinNoise)).toEqual([])
  })

  it('reports a site that appeared only in the last sample', () => {
    const empty: HeapSummary = {
      inuseBytes: 0,
      inuseObjects: 0,
      samplingRateBytes: 1,
      stacks: [],
      ownAllocByStack: new Map()
    }
    const last = heap('heap-leak/memprofilerate-1', 'end')
    const [top] = attributeHeap(diffHeap(empty, last), elapsedSec, null)
    expect(top.inuseBytesGrowth).toBe(allocationSites(last.stacks)[0].bytes)
  })
})

describe('attributeGoroutines', () => {
  it('names the line the leaked goroutines block on, with the runtime wait reason and creator', () => {
    const run = 'goroutine-leak/default-rate'
    const stacks = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec, {
      text: parseGoroutineText(text(run, 'end-goroutine.txt')),
      layout
    })
    const leak = marker('goroutine-leak')
    expect(stacks).toHaveLength(1)
    expect(stacks[0]).toMatchObject({
      function: 'main.awaitResult',
      line: leak.line,
      repoPath: leak.file,
      waitReason: 'chan receive',
      createdBy: `main.handle ${stacks[0].file}:${lineOf('goroutine-leak', 'go awaitResult(')}`
    })
    expect(stacks[0].countGrowth).toBeGreaterThan(80)
    expect(stacks[0].perSec).toBeCloseTo(stacks[0].countGrowth / elapsedSec)
    expect(stacks[0].provenLeaked).toBeUndefined()
  })

  it('falls back to the wait reason read from the stack without a dump', () => {
    const run = 'goroutine-leak/default-rate'
    const [top] = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec)
    expect(top.waitReason).toBe('channel receive')
    expect(top.createdBy).toBeUndefined()
  })

  it('marks the groups the goroutineleak profile proves leaked', () => {
    const run = 'goroutine-leak/leakprofile'
    const leaked = summarizeGoroutines(profile(run, 'end-goroutineleak.pb.gz'))
    const stacks = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec, {
      leaked
    })
    expect(stacks[0]).toMatchObject({ line: marker('goroutine-leak').line, provenLeaked: true })
    expect(stacks.slice(1).some((s) => s.provenLeaked)).toBe(false)
  })

  it.each(allRuns.filter(([f]) => f !== 'goroutine-leak'))(
    'finds no growing goroutines in %s (%s)',
    (fixture, rate) => {
      const run = `${fixture}/${rate}`
      expect(attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec)).toEqual([])
    }
  )
})
