import type { LoadReach } from '../model.js'
import { describeJudgement } from './judgement.js'
import { describeAllocation, describeLoadMissed } from './load-reach.js'

const reach: LoadReach = {
  idleSec: 2,
  idleAllocBytesPerSec: 8 * 1024,
  idleOwnAllocBytesPerSec: 0,
  sampledSec: 30,
  allocBytesPerSec: 442 * 1024,
  ownAllocBytesPerSec: 0,
  heapSamplingRateBytes: 32 * 1024,
  outcome: 'missed'
}

describe('load reach in words', () => {
  it('says what was measured and what to check when the load missed the code', () => {
    const text = describeLoadMissed(reach)
    expect(text).toBe(
      "the load made no measurable difference to the service's own code: while sampling it allocated 0 B/s through its module's code beyond what that code does idle (0 B/s over 2s before the load), though the service allocated 442 KiB/s in all (8.00 KiB/s idle); requests answered by a 404 or a redirect, or sent to another service, reach no code that could leak: check target-url or the URL the load-command requests, and what it answers"
    )
    expect(
      describeJudgement({
        outcome: 'inconclusive',
        rule: 'load-missed-code',
        series: null,
        against: 'limit',
        loadReach: reach
      })
    ).toBe(text)
  })

  it("gives a load-command's allocation rate in place of a request count", () => {
    expect(describeAllocation({ ...reach, ownAllocBytesPerSec: 120 * 1024, outcome: 'reached' })).toBe(
      'the service allocated 442 KiB/s while sampling, 120 KiB/s of it through its own code beyond what that code does idle (idle before the load: 8.00 KiB/s, 0 B/s through its own code)'
    )
  })
})
