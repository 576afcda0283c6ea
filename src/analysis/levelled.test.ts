import { capturedSeries } from '../../test/fixtures/series.js'
import { flatSince, growsAboveSince, levelledOff } from './levelled.js'
import type { Point } from './point.js'

const LIMIT = (512 * 1024) / 60
const Z = 2.5
const series = (n: number, level: (t: number) => number): Point[] =>
  Array.from({ length: n }, (_, t) => ({ t, v: level(t) + [0, 3000, -2000, 4000, -1000][t % 5] }))
/** 12 MiB/min for 40 s, then flat: an LRU at capacity. */
const hockeyStick = (t: number) => 1e6 + 204_800 * Math.min(t, 40)

describe('levelledOff', () => {
  it('sees the flat part of a hockey stick once it lasts 10 s, and no levelling in a leak', () => {
    expect(levelledOff(series(61, hockeyStick), 30, LIMIT, Z)).toBe(true)
    expect(levelledOff(series(46, hockeyStick), 30, LIMIT, Z)).toBe(false)
    expect(
      levelledOff(
        series(61, (t) => 1e6 + 12_800 * t),
        30,
        LIMIT,
        Z
      )
    ).toBe(false)
  })

  it('does not take the gap before a doubling container’s next step as levelling off', () => {
    const doubling = (t: number) => 2 ** Math.ceil(Math.log2(Math.max(25_600 * (t + 10), 262_144)))
    expect(levelledOff(series(61, doubling), 30, LIMIT, Z)).toBe(false)
  })

  it('sees a real LRU at capacity level off (lru-fill, captured: full at about 44 s)', () => {
    expect(levelledOff(capturedSeries('lru-fill', 60), 30, LIMIT, Z)).toBe(true)
    expect(levelledOff(capturedSeries('lru-fill', 40), 10, LIMIT, Z)).toBe(false)
  })
})

describe('flatSince and growsAboveSince', () => {
  it('pass the flat part of a hockey stick only when every reading since the look before is flat', () => {
    expect(flatSince(series(61, hockeyStick), 30, LIMIT, Z)).toBe(false)
    expect(flatSince(series(91, hockeyStick), 60, LIMIT, Z)).toBe(true)
  })

  it('see a leak beside a full cache still grow above the limit', () => {
    const leakBeside = (t: number) => hockeyStick(t) + 25_600 * t
    expect(growsAboveSince(series(61, leakBeside), 30, LIMIT, Z)).toBe(true)
    expect(growsAboveSince(series(91, hockeyStick), 60, LIMIT, Z)).toBe(false)
  })
})
