import { isRuntime, ownCode } from './frames.js'
import {
  allocationSites,
  sampleProbability,
  sampleVarianceBytes2,
  summarizeHeap,
  type HeapSummary
} from './heap.js'
import { buildRoot, profile } from '../../test/fixtures/profiles.js'
import { marker } from '../../test/fixtures/services.js'

describe('sampleProbability', () => {
  it('is 1 when every allocation is recorded and small for small objects at 512 KiB', () => {
    expect(sampleProbability(16, 1)).toBe(1)
    expect(sampleProbability(4096, 512 * 1024)).toBeCloseTo(4096 / (512 * 1024), 4)
    expect(sampleProbability(64 << 20, 512 * 1024)).toBeCloseTo(1, 6)
  })
})

describe('sampleVarianceBytes2', () => {
  it('is bytes × the bytes a sample stands for', () => {
    expect(sampleVarianceBytes2(1000 * 64, 64, 1)).toBe(1000 * 64 * 64)
    expect(sampleVarianceBytes2(10 << 20, 64, 512 * 1024) / ((10 << 20) * 512 * 1024)).toBeCloseTo(1, 3)
  })
})

describe('summarizeHeap', () => {
  it('totals the live heap and keeps the sampling rate', () => {
    const h = summarizeHeap(profile('heap-leak/default-rate', 'end-heap.pb.gz'))
    expect(h.samplingRateBytes).toBe(512 * 1024)
    const sites = allocationSites(h.stacks)
    expect(sites.reduce((n, s) => n + s.bytes, 0)).toBe(h.inuseBytes)
    expect(h.stacks.reduce((n, s) => n + s.bytes, 0)).toBe(h.inuseBytes)
    expect(sites.reduce((n, s) => n + s.objects, 0)).toBe(h.inuseObjects)
  })

  it("counts what the service's own code allocated since it started, stack by stack: more at the end than at the start", () => {
    const own = (h: HeapSummary) => [...h.ownAllocByStack.values()].reduce((a, b) => a + b, 0)
    const at = (file: string) => summarizeHeap(profile('heap-leak/memprofilerate-1', file))
    const [start, end] = [at('start-heap.pb.gz'), at('end-heap.pb.gz')]
    expect(own(start)).toBeGreaterThan(0)
    // Every request keeps LEAK_BYTES through main.handle, and allocates more on the way.
    expect(own(end) - own(start)).toBeGreaterThan(end.inuseBytes - start.inuseBytes)
    expect([...end.ownAllocByStack.keys()].every((k) => k.includes('main.'))).toBe(true)
    // The main goroutine (start-up, the accept loop) is no request's work.
    expect([...end.ownAllocByStack.keys()].some((k) => k.includes('runtime.main'))).toBe(false)
    const none = summarizeHeap(profile('heap-leak/memprofilerate-1', 'end-heap.pb.gz'), {
      isOwn: () => false
    })
    expect(none.ownAllocByStack.size).toBe(0)
  })

  it("charges the leak to the service's own line, largest site first", () => {
    const sites = allocationSites(summarizeHeap(profile('heap-leak/default-rate', 'end-heap.pb.gz')).stacks)
    const leak = marker('heap-leak')
    expect(sites[0]).toMatchObject({ function: 'main.handle', line: leak.line })
    expect(sites[0].file.endsWith(leak.file)).toBe(true)
    // Each sample of a small object stands for ~512 KiB: variance ≈ bytes × rate.
    expect(sites[0].varianceBytes2 / (sites[0].bytes * 512 * 1024)).toBeCloseTo(1, 1)
  })

  it('charges an allocation inside strings.Builder to the line that called it', () => {
    const sites = allocationSites(
      summarizeHeap(profile('builder-leak/memprofilerate-1', 'end-heap.pb.gz')).stacks
    )
    const leak = marker('builder-leak')
    expect(sites[0]).toMatchObject({ function: 'main.handle', line: leak.line })
    expect(sites[0].callPath[0]).toMatch(/^strings\./)
    expect(sites[0].callPath).toContain(`main.handle ${sites[0].file}:${leak.line}`)
    expect(sites.filter((s) => /^strings\.(\(\*Builder\)|Repeat)/.test(s.function))).toEqual([])
  })

  it('counts objects in an exact profile, each one sample', () => {
    const h = summarizeHeap(profile('heap-leak/memprofilerate-1', 'end-heap.pb.gz'))
    expect(h.samplingRateBytes).toBe(1)
    const [top] = allocationSites(h.stacks)
    expect(top).toMatchObject({ line: marker('heap-leak').line, bytes: top.objects * 256 })
    expect(top.varianceBytes2).toBe(top.bytes * 256)
  })

  it("reads the module's folder to tell own code from dependencies", () => {
    const h = summarizeHeap(profile('closure-leak/memprofilerate-4096', 'end-heap.pb.gz'), {
      modules: [
        {
          path: 'example.com/memgate-fixtures/closure-leak',
          dir: `${buildRoot}/test/fixtures/services/closure-leak`
        }
      ]
    })
    expect(allocationSites(h.stacks)[0]).toMatchObject({
      function: 'main.handle',
      line: marker('closure-leak').line
    })
  })

  it("never counts a dependency's closure inlined into main as the service's code", () => {
    const p = profile('request-map-leak/memprofilerate-1', 'end-heap.pb.gz')
    const fixture = `${buildRoot}/test/fixtures/services/request-map-leak`
    const isOwn = ownCode([{ path: 'example.com/memgate-fixtures/request-map-leak', dir: fixture }])
    const inlined = p.samples
      .flatMap((s) => s.stack)
      .filter((f) => f.function.startsWith('main.main.ClearHandler.'))
    expect(inlined.length).toBeGreaterThan(0)
    expect(inlined.every((f) => f.file.includes('gorilla/context@v1.1.1/') && !isOwn(f))).toBe(true)
  })

  it("marks the runtime's record of each new goroutine, apart from the threads' records", () => {
    const h = summarizeHeap(profile('goroutine-leak/memprofilerate-4096', 'end-heap.pb.gz'))
    const records = h.stacks.filter((s) => s.kind === 'goroutines')
    expect(records.length).toBeGreaterThan(0)
    for (const s of records) {
      expect(s.frames.map((f) => f.function)).toContain('runtime.newproc1')
      // Allocated on the system stack: the go statement is out of the profile's reach.
      expect(s.frames.every((f) => isRuntime(f.function))).toBe(true)
      expect(s.frames[s.siteAt].function).toBe('runtime.systemstack')
    }
    // runtime.allocm's records of new threads end at the same frame but are no goroutines.
    const sites = allocationSites(h.stacks).filter((s) => s.function === 'runtime.systemstack')
    expect(sites.map((s) => s.kind)).toEqual(['goroutines', undefined])
  })

  it('rejects a profile that is not a heap profile', () => {
    expect(() => summarizeHeap(profile('heap-leak/default-rate', 'end-goroutine.pb.gz'))).toThrow(
      /not a heap profile/
    )
  })
})
