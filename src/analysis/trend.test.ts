import { capturedSeries } from '../../test/fixtures/series.js'
import { decideLook, lookZ } from './looks.js'
import { trend, trendBlocks } from './trend.js'

const pts = (v: number[]) => v.map((vi, t) => ({ t, v: vi }))

describe('trend', () => {
  it('sees a plateau in the late slope and calls the growth saturating', () => {
    // Rises for the first half, then flat: a cache filling, not a leak.
    const v = Array.from({ length: 31 }, (_, i) => Math.min(i, 12) * 1000 + (i % 3) * 7)
    const r = trend(pts(v))!
    expect(r.slopePerSec).toBeGreaterThan(0)
    expect(Math.abs(r.lateSlopePerSec)).toBeLessThan(10)
    expect(r.shape).toBe('saturating')
  })

  it('keeps a steady leak in the late slope', () => {
    const v = Array.from({ length: 31 }, (_, i) => 5000 + i * 512 + ((i * 7) % 5) * 40)
    const r = trend(pts(v))!
    expect(r.slopePerSec).toBeCloseTo(512, -1)
    expect(r.lateSlopePerSec).toBeCloseTo(512, -1)
    expect(r.shape).toBe('steady')
    expect(r.ciLow).toBeLessThan(r.slopePerSec)
    expect(r.ciHigh).toBeGreaterThan(r.slopePerSec)
  })

  it('reads its bounds at the z of the looks, and says the confidence they carry', () => {
    const v = Array.from({ length: 31 }, (_, i) => i * 10 + ((i * 13) % 7) * 30)
    const at95 = trend(pts(v))!
    const atFour = trend(pts(v), lookZ(4))!
    expect(at95.confidence).toBeCloseTo(0.95, 6)
    expect(atFour.z).toBeCloseTo(2.4977, 3)
    expect(atFour.confidence).toBeCloseTo(1 - 0.025 / 2, 6)
    expect(atFour.ciHigh - atFour.ciLow).toBeGreaterThan(at95.ciHigh - at95.ciLow)
  })

  it('gives where a fill is heading when the growth saturates', () => {
    const v = Array.from(
      { length: 31 },
      (_, t) => 1_000_000 + 2_000_000 * (1 - Math.exp(-t / 8)) + ((t * 7) % 5) * 500
    )
    const r = trend(pts(v))!
    expect(r.shape).toBe('saturating')
    expect(r.fill!.plateau).toBeGreaterThan(2_800_000)
    expect(r.fill!.plateau).toBeLessThan(3_200_000)
    expect(r.fill!.tauSec).toBeGreaterThan(5)
    expect(r.fill!.tauSec).toBeLessThan(12)
  })

  it('pools repeats', () => {
    const a = pts(Array.from({ length: 20 }, (_, i) => 100 + 5 * i + (i % 2)))
    const b = pts(Array.from({ length: 20 }, (_, i) => 900 + 5 * i - (i % 2)))
    const r = trendBlocks([a, b])!
    expect(r.slopePerSec).toBeCloseTo(5, 0)
    expect(r.n).toBe(40)
  })

  it('needs three points a half', () => {
    expect(trend(pts([1, 2, 3]))).toBeNull()
  })
})

describe('trend on growth in steps', () => {
  it('does not call a real bytes.Buffer levelling off as a fill does, nor pass its flat run (buffer-leak, captured)', () => {
    // Captured before steps were seen: "grew 445 KiB/min but levelled off as a fill does (heading for 1.51 MiB)".
    const r = trend(capturedSeries('buffer-leak'), lookZ(4))!
    expect(r.shape).not.toBe('saturating')
    expect(r.fill).toBeUndefined()
    expect(r.steps).toMatchObject({ staircase: true, nextStepDue: true })
    const decision = decideLook({ trend: r, limitPerSec: (512 * 1024) / 60, lastLook: true })
    expect(decision.outcome).not.toBe('pass')
  })
})
