import { decideLook, lookTimesSec, lookZ, type LookEvidence, type LookTrend } from './looks.js'

const LIMIT = 100

/** A look whose whole window and last half are given as [low, slope, high]. */
function look(
  whole: [number, number, number],
  lastHalf: [number, number, number],
  more: Partial<LookTrend> & { lastLook?: boolean } = {}
): LookEvidence {
  const { lastLook = false, ...trend } = more
  return {
    trend: {
      ciLow: whole[0],
      ciHigh: whole[2],
      lateSlopePerSec: lastHalf[1],
      lateCiHigh: lastHalf[2],
      shape: 'steady',
      remainingLowPerSec: null,
      remainingHighPerSec: null,
      ...trend
    },
    limitPerSec: LIMIT,
    lastLook
  }
}

describe('lookTimesSec', () => {
  it('looks at duration and its multiples up to max-duration', () => {
    expect(lookTimesSec(30, 120)).toEqual([30, 60, 90, 120])
  })

  it('adds max-duration as the last look when it is not a multiple', () => {
    expect(lookTimesSec(30, 100)).toEqual([30, 60, 90, 100])
  })

  it('looks once when max-duration is not past duration', () => {
    expect(lookTimesSec(30, 30)).toEqual([30])
    expect(lookTimesSec(30, 10)).toEqual([30])
  })

  it('refuses a duration of 0', () => {
    expect(() => lookTimesSec(0, 120)).toThrow('duration must be above 0 s, got 0')
  })
})

describe('lookZ', () => {
  // Bonferroni, one-sided: 0.025 over 4 looks is 0.00625 a look; 2.39 in VERDICT.md is 0.025 over 3.
  it('splits 2.5 % a side over the looks', () => {
    expect(lookZ(1)).toBeCloseTo(1.959964, 5)
    expect(lookZ(3)).toBeCloseTo(2.39398, 5)
    expect(lookZ(4)).toBeCloseTo(2.497705, 5)
  })
})

describe('decideLook', () => {
  it('passes when the whole window is below the limit', () => {
    expect(decideLook(look([20, 50, 80], [0, 60, 120]))).toEqual({
      outcome: 'pass',
      rule: 'upper-below-limit'
    })
  })

  it('passes a fill that has levelled off in the last half', () => {
    expect(decideLook(look([150, 300, 450], [-10, 5, 20], { shape: 'saturating' }))).toEqual({
      outcome: 'pass',
      rule: 'late-upper-below-limit'
    })
  })

  it('fails steady growth above the limit', () => {
    expect(decideLook(look([120, 150, 180], [110, 140, 170]))).toEqual({
      outcome: 'fail',
      rule: 'above-limit'
    })
  })

  it('fails accelerating growth: a leak that starts late is never excused', () => {
    expect(decideLook(look([120, 150, 180], [180, 250, 320], { shape: 'accelerating' }))).toEqual({
      outcome: 'fail',
      rule: 'above-limit'
    })
  })

  it('holds back saturating growth that may level off below the limit', () => {
    const e = look([300, 400, 500], [120, 200, 280], { shape: 'saturating', remainingLowPerSec: -50 })
    expect(decideLook(e)).toEqual({ outcome: 'continue', rule: 'saturating' })
    expect(decideLook({ ...e, lastLook: true })).toEqual({ outcome: 'inconclusive', rule: 'saturating' })
  })

  it('holds back saturating growth when no fill could be fitted', () => {
    const e = look([300, 400, 500], [120, 200, 280], { shape: 'saturating', remainingLowPerSec: null })
    expect(decideLook(e).outcome).toBe('continue')
  })

  it('passes saturating growth whose remainder after the fill is below the limit with confidence', () => {
    const e = look([300, 400, 500], [120, 200, 280], {
      shape: 'saturating',
      remainingLowPerSec: -40,
      remainingHighPerSec: 60
    })
    expect(decideLook(e)).toEqual({ outcome: 'pass', rule: 'levels-off-below-limit' })
  })

  it('fails saturating growth whose remainder after the fill is above the limit', () => {
    const e = look([300, 400, 500], [120, 200, 280], { shape: 'saturating', remainingLowPerSec: 130 })
    expect(decideLook(e)).toEqual({ outcome: 'fail', rule: 'above-limit' })
  })

  it('waits when the whole window is above the limit but its last half is not', () => {
    expect(decideLook(look([110, 150, 190], [20, 90, 160]))).toEqual({
      outcome: 'continue',
      rule: 'late-slope-below-limit'
    })
  })

  it('says the interval straddles the limit', () => {
    expect(decideLook(look([60, 110, 160], [40, 110, 180], { lastLook: true }))).toEqual({
      outcome: 'inconclusive',
      rule: 'straddles'
    })
  })

  it('says the run was too noisy when even flat memory could not have passed', () => {
    expect(decideLook(look([-150, 20, 190], [-300, 20, 340]))).toEqual({
      outcome: 'continue',
      rule: 'too-noisy'
    })
  })
})

describe('decideLook on growth in steps', () => {
  const due = { count: 2, staircase: true, nextStepDue: true, riseLowPerSec: 150 }

  it('passes nothing on a last half that is flat only until the next step', () => {
    expect(decideLook(look([-50, 120, 400], [-20, 0, 20]))).toEqual({
      outcome: 'pass',
      rule: 'late-upper-below-limit'
    })
    expect(decideLook(look([-50, 120, 400], [-20, 0, 20], { steps: { ...due, riseLowPerSec: 90 } }))).toEqual(
      {
        outcome: 'continue',
        rule: 'too-noisy'
      }
    )
  })

  it('fails a staircase whose rise, read from its flat ends, is above the limit', () => {
    expect(decideLook(look([-50, 120, 400], [-20, 0, 20], { steps: due }))).toEqual({
      outcome: 'fail',
      rule: 'grows-in-steps'
    })
    // Once the flat run outlasts the gap a doubling container leaves, it may pass as levelled off.
    expect(
      decideLook(look([-50, 120, 400], [-20, 0, 20], { steps: { ...due, nextStepDue: false } }))
    ).toMatchObject({ outcome: 'pass' })
  })
})
