import type { IdleStretch, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'
import { loadMissedCode, loadReach } from './load-reach.js'

const RATE = 32 * 1024
const idle = (ownAllocBytes = 0): IdleStretch => ({
  seconds: 2,
  allocBytes: 16 * 1024,
  ownAllocBytes,
  heapSamplingRateBytes: RATE
})
const profileAt = (t: number, ownAllocBytes: number): Timed<HeapSummary> => ({
  t,
  file: `heap-${t}.pb.gz`,
  summary: { inuseBytes: 0, inuseObjects: 0, samplingRateBytes: RATE, stacks: [], ownAllocBytes }
})
const allocated = { bytes: 30 * 400 * 1024, seconds: 30 }

describe('loadReach', () => {
  it('reached: the own code allocated under load, seen by the profile, faster than twice idle', () => {
    const r = loadReach(idle(), allocated, [profileAt(0, 1e6), profileAt(15, 2e6), profileAt(30, 3e6)])
    expect(r).toEqual({
      idleSec: 2,
      idleAllocBytesPerSec: 8 * 1024,
      idleOwnAllocBytesPerSec: 0,
      sampledSec: 30,
      allocBytesPerSec: 400 * 1024,
      ownAllocBytesPerSec: 2e6 / 30,
      heapSamplingRateBytes: RATE,
      outcome: 'reached'
    })
    expect(loadMissedCode(r ?? undefined)).toBeNull()
  })

  it('missed: the service allocated (net/http answering 404s) but its own code did not', () => {
    const r = loadReach(idle(), allocated, [profileAt(0, 1e6), profileAt(30, 1e6)])
    expect(r?.outcome).toBe('missed')
    expect(loadMissedCode(r ?? undefined)).toEqual({
      outcome: 'inconclusive',
      rule: 'load-missed-code',
      series: null,
      against: 'limit',
      loadReach: r
    })
  })

  it('missed: less own allocation than one profile sample, or no more than twice the idle rate', () => {
    expect(loadReach(idle(), allocated, [profileAt(0, 0), profileAt(30, RATE - 1)])?.outcome).toBe('missed')
    // A ticker of its own allocating 10 KiB/s idle, and the same under load.
    const ticker = idle(2 * 10 * 1024)
    expect(loadReach(ticker, allocated, [profileAt(0, 0), profileAt(30, 30 * 10 * 1024)])?.outcome).toBe(
      'missed'
    )
    expect(loadReach(ticker, allocated, [profileAt(0, 0), profileAt(30, 30 * 30 * 1024)])?.outcome).toBe(
      'reached'
    )
  })

  it('is not judged without an idle stretch, a TotalAlloc window or two heap profiles', () => {
    const two = [profileAt(0, 0), profileAt(30, 0)]
    expect(loadReach(null, allocated, two)).toBeNull()
    expect(loadReach(idle(), null, two)).toBeNull()
    expect(loadReach(idle(), allocated, [profileAt(0, 0)])).toBeNull()
    expect(loadMissedCode(undefined)).toBeNull()
  })
})
