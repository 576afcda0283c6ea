import { ar1, normalSource, series } from '../../test/helpers/synthetic.js'
import { remainingGrowthBounds, SATURATION_Z, windowSlopes, windowSlopesBlocks } from './saturation.js'

const MiB = 1024 * 1024
const LIMIT_PER_SEC = (512 * 1024) / 60
const normal = normalSource(42)
/** 1 s samples with 4 KiB of independent noise, as quiesced readings give. */
const quiet = (level: (t: number) => number, seconds = 120) =>
  series(ar1(normal, seconds + 1, 0, 4096), level)
const fill = (tauSec: number) => (t: number) => 3 * MiB * (1 - Math.exp(-t / tauSec))

describe('windowSlopes', () => {
  // A window of 3τ: long enough to bend, short enough that the last half still grows.
  it.each([10, 20, 40])('sees a cache filling with τ = %p s as saturating', (tauSec) => {
    const r = windowSlopes(quiet(fill(tauSec), 3 * tauSec))!
    expect(r.shape).toBe('saturating')
    expect(r.z).toBeGreaterThan(SATURATION_Z)
    expect(r.firstHalf.slopePerSec).toBeGreaterThan(r.lastHalf.slopePerSec)
  })

  it('measures the noise of a fill, not its bow, so the interval stays narrow', () => {
    const r = windowSlopes(quiet(fill(40), 30))!
    expect(r.whole.rho).toBeLessThan(0.5)
    expect(r.whole.high - r.whole.low).toBeLessThan(0.3 * r.whole.slopePerSec)
  })

  it('calls a steady leak steady', () => {
    const r = windowSlopes(quiet((t) => 12_800 * t))!
    expect(r.shape).toBe('steady')
    expect(Math.abs(r.z)).toBeLessThan(SATURATION_Z)
    expect(r.lastHalf.slopePerSec / 12_800).toBeCloseTo(1, 1)
    expect(r.remainingLowPerSec).toBeNull()
  })

  it('flags a leak that starts 60 s into the window as accelerating', () => {
    const r = windowSlopes(quiet((t) => 12_800 * Math.max(0, t - 60)))!
    expect(r.shape).toBe('accelerating')
    expect(r.z).toBeLessThan(-SATURATION_Z)
  })

  it('splits 31 points into halves of 15 and 16 that share none, with the whole window’s correlation', () => {
    const r = windowSlopes(series(ar1(normal, 31, 0.5, 4096), (t) => 100 * t))!
    expect(r.whole.n).toBe(31)
    expect(r.firstHalf.n).toBe(15)
    expect(r.lastHalf.n).toBe(16)
    expect(r.firstHalf.rho).toBe(r.whole.rho)
    expect(r.lastHalf.rho).toBe(r.whole.rho)
  })

  it('is certain of a difference between noise-free halves', () => {
    const bent = Array.from({ length: 20 }, (_, t) => ({ t, v: Math.min(t, 10) * 1000 }))
    expect(windowSlopes(bent)).toMatchObject({ z: Infinity, shape: 'saturating' })
  })

  it('pools the same half of every repeat', () => {
    const r = windowSlopesBlocks([quiet(fill(10), 30), quiet(fill(10), 30)])!
    expect(r.shape).toBe('saturating')
    expect(r.whole.n).toBe(62)
    expect(r.lastHalf.n).toBe(32)
  })

  it('needs three points a half', () => {
    expect(windowSlopes(quiet((t) => t, 4))).toBeNull()
  })
})

describe('remainingGrowthBounds', () => {
  it.each([10, 20, 40])('leaves room for a clean fill with τ = %p s to stop', (tauSec) => {
    expect(remainingGrowthBounds([quiet(fill(tauSec), 30)], 2.5)!.low).toBeLessThan(LIMIT_PER_SEC)
  })

  it('holds a 64 B/request leak under a filling cache above the limit, and never below it', () => {
    const { low, high } = remainingGrowthBounds([quiet((t) => fill(10)(t + 15) + 12_800 * t, 30)], 2.5)!
    expect(low).toBeGreaterThan(LIMIT_PER_SEC)
    expect(low).toBeLessThan(12_800)
    expect(high).toBeGreaterThan(12_800)
  })

  it('bounds a plain fill that has levelled off below the limit', () => {
    expect(remainingGrowthBounds([quiet((t) => fill(10)(t + 30), 60)], 2.5)!.high).toBeLessThan(LIMIT_PER_SEC)
  })

  it('does not bound a straight line as if it were a fill', () => {
    expect(remainingGrowthBounds([quiet((t) => 12_800 * t, 30)], 2.5)!.high).toBeGreaterThan(LIMIT_PER_SEC)
  })

  it('is what saturating growth carries', () => {
    const r = windowSlopes(
      quiet((t) => fill(10)(t + 15) + 12_800 * t, 30),
      2.5
    )!
    expect(r.shape).toBe('saturating')
    expect(r.remainingLowPerSec).toBeGreaterThan(LIMIT_PER_SEC)
  })

  it('needs five points a block and more points than parameters', () => {
    expect(remainingGrowthBounds([quiet((t) => t, 3)], 2.5)).toBeNull()
    expect(remainingGrowthBounds([quiet((t) => t, 4), quiet((t) => t, 4)], 2.5)).not.toBeNull()
  })
})
