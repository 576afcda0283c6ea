import type { IdleStretch, LoadReach, Run, Timed } from '../model.js'
import type { HeapSummary } from '../profile/heap.js'
import { loadMissedCode, loadReach } from './load-reach.js'

const RATE = 32 * 1024
const HANDLER = 'main.listOrders\nnet/http.(*conn).serve'
const TICKER = 'main.refresh\nmain.refreshLoop'
const idle = (ownAllocBytes = 0): IdleStretch => ({
  seconds: 2,
  allocBytes: 16 * 1024,
  ownAllocBytes,
  busyStacks: ownAllocBytes > 0 ? [TICKER] : []
})
const profileAt = (t: number, handler: number, ticker = 0): Timed<HeapSummary> => ({
  t,
  file: `heap-${t}.pb.gz`,
  summary: {
    inuseBytes: 0,
    inuseObjects: 0,
    samplingRateBytes: RATE,
    stacks: [],
    ownAllocByStack: new Map([
      [HANDLER, handler],
      [TICKER, ticker]
    ])
  }
})
const allocated = { bytes: 30 * 400 * 1024, seconds: 30 }

/** A load-command's run with what it measured of the load's reach. */
const command = (loadReach: LoadReach | null): Pick<Run, 'load' | 'loadReach'> => ({
  load: { kind: 'command', command: 'hey', requests: null, errors: null, achievedRatePerSec: null },
  ...(loadReach ? { loadReach } : {})
})

describe('loadReach', () => {
  it('reached: the own code allocated under load, seen by the profile', () => {
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
    expect(loadMissedCode(command(r))).toBeNull()
  })

  it('missed: the service allocated (net/http answering 404s) but its own code did not', () => {
    const r = loadReach(idle(), allocated, [profileAt(0, 1e6), profileAt(30, 1e6)])
    expect(r?.outcome).toBe('missed')
    expect(loadMissedCode(command(r))).toEqual({
      outcome: 'inconclusive',
      rule: 'load-missed-code',
      series: null,
      against: 'limit',
      loadReach: r
    })
  })

  it('missed: less own allocation than one profile sample', () => {
    expect(loadReach(idle(), allocated, [profileAt(0, 0), profileAt(30, RATE - 1)])?.outcome).toBe('missed')
  })

  it('leaves out the stacks that allocate idle: a ticker of its own is no load', () => {
    const ticker = idle(2 * 100 * 1024)
    const busy = loadReach(ticker, allocated, [profileAt(0, 0, 0), profileAt(30, 0, 30 * 100 * 1024)])
    expect(busy).toMatchObject({
      outcome: 'missed',
      ownAllocBytesPerSec: 0,
      idleOwnAllocBytesPerSec: 100 * 1024
    })
    const served = loadReach(ticker, allocated, [profileAt(0, 0, 0), profileAt(30, RATE, 30 * 100 * 1024)])
    expect(served).toMatchObject({ outcome: 'reached', ownAllocBytesPerSec: RATE / 30 })
  })

  it('judges a load-command by it, the built-in load by its answers', () => {
    const r = loadReach(idle(), allocated, [profileAt(0, 1e6), profileAt(30, 1e6)])
    const builtIn: Pick<Run, 'load' | 'loadReach'> = {
      load: { kind: 'built-in', requests: 6000, errors: 0, achievedRatePerSec: 200 },
      loadReach: r!
    }
    expect(loadMissedCode(builtIn)).toBeNull()
    expect(loadMissedCode(command(r))?.rule).toBe('load-missed-code')
  })

  it('is not judged without an idle stretch, a TotalAlloc window or two heap profiles', () => {
    const two = [profileAt(0, 0), profileAt(30, 0)]
    expect(loadReach(null, allocated, two)).toBeNull()
    expect(loadReach(idle(), null, two)).toBeNull()
    expect(loadReach(idle(), allocated, [profileAt(0, 0)])).toBeNull()
    expect(loadMissedCode(command(null))).toBeNull()
  })
})
