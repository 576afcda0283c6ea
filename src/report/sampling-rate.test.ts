import { attributeHeap } from '../analysis/attribution.js'
import { diffHeap } from '../profile/diff.js'
import { summarizeHeap } from '../profile/heap.js'
import { buildRoot, profile } from '../../test/fixtures/profiles.js'
import type { Attribution } from '../model.js'
import { describeSamplingRate } from './sampling-rate.js'

describe('describeSamplingRate', () => {
  const run = 'heap-leak/default-rate'
  const growth = diffHeap(
    summarizeHeap(profile(run, 'start-heap.pb.gz')),
    summarizeHeap(profile(run, 'end-heap.pb.gz'))
  )
  const named = {
    ...attributeHeap(growth, 20, null, { layout: { repoRoot: buildRoot } })[0],
    withinNoise: false
  }
  const unnamed = { ...named, withinNoise: true }
  const at = (heapSamplingRateBytes: number, heap: Attribution['heap']): Attribution => ({
    heap,
    goroutines: [],
    heapSamplingRateBytes
  })

  it("at Go's 512 KiB, says that small leaks may not show by site", () => {
    expect(describeSamplingRate(at(512 * 1024, [named]))).toMatch(
      /^The heap profile samples one allocation per 512 KiB/
    )
  })

  it('at a finer rate, speaks only when no site cleared the sampling noise', () => {
    expect(describeSamplingRate(at(32 * 1024, [named, unnamed]))).toBeNull()
    expect(describeSamplingRate(at(32 * 1024, []))).toBeNull()
    expect(describeSamplingRate(at(32 * 1024, [unnamed]))).toBe(
      "The heap grew, but no allocation site's growth cleared the heap profile's sampling noise (one sample per 32 KiB): memprofilerate: 4096 names a leak of a few dozen bytes a request at once, at more CPU for a service that allocates much."
    )
    expect(describeSamplingRate(at(4096, [unnamed]))).toBeNull()
  })

  it('says nothing for a report that kept no rate', () => {
    expect(describeSamplingRate({ heap: [unnamed], goroutines: [] })).toBeNull()
  })
})
