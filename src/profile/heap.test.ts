import { sampleProbability, sampleVarianceBytes2, summarizeHeap } from './heap.js'
import { marker, profile } from './testdata.js'

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
    expect(h.sites.reduce((n, s) => n + s.inuseBytes, 0)).toBe(h.inuseBytes)
    expect(h.stacks.reduce((n, s) => n + s.inuseBytes, 0)).toBe(h.inuseBytes)
    expect(h.sites.reduce((n, s) => n + s.inuseObjects, 0)).toBe(h.inuseObjects)
  })

  it("charges the leak to the service's own line, largest site first", () => {
    const h = summarizeHeap(profile('heap-leak/default-rate', 'end-heap.pb.gz'))
    const leak = marker('heap-leak')
    expect(h.sites[0]).toMatchObject({ function: 'main.handle', line: leak.line })
    expect(h.sites[0].file.endsWith(leak.file)).toBe(true)
    // Each sample of a small object stands for ~512 KiB: variance ≈ bytes × rate.
    expect(h.sites[0].inuseBytesVariance / (h.sites[0].inuseBytes * 512 * 1024)).toBeCloseTo(1, 1)
  })

  it('charges an allocation inside strings.Builder to the line that called it', () => {
    const h = summarizeHeap(profile('builder-leak/memprofilerate-1', 'end-heap.pb.gz'))
    const leak = marker('builder-leak')
    expect(h.sites[0]).toMatchObject({ function: 'main.handle', line: leak.line })
    expect(h.sites[0].callPath[0]).toMatch(/^strings\./)
    expect(h.sites[0].callPath).toContain(`main.handle ${h.sites[0].file}:${leak.line}`)
    expect(h.sites.filter((s) => /^strings\.(\(\*Builder\)|Repeat)/.test(s.function))).toEqual([])
  })

  it('counts objects in an exact profile, each one sample', () => {
    const h = summarizeHeap(profile('heap-leak/memprofilerate-1', 'end-heap.pb.gz'))
    expect(h.samplingRateBytes).toBe(1)
    const [top] = h.sites
    expect(top).toMatchObject({ line: marker('heap-leak').line, inuseBytes: top.inuseObjects * 256 })
    expect(top.inuseBytesVariance).toBe(top.inuseBytes * 256)
  })

  it('reads the module path to tell own code from dependencies', () => {
    const h = summarizeHeap(profile('closure-leak/memprofilerate-4096', 'end-heap.pb.gz'), {
      modulePaths: ['example.com/memgate-fixtures/closure-leak']
    })
    expect(h.sites[0]).toMatchObject({ function: 'main.handle', line: marker('closure-leak').line })
  })

  it('rejects a profile that is not a heap profile', () => {
    expect(() => summarizeHeap(profile('heap-leak/default-rate', 'end-goroutine.pb.gz'))).toThrow(
      /not a heap profile/
    )
  })
})
