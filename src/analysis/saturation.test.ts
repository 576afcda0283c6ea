import { ar1, normalSource, series } from '../../test/helpers/synthetic.js'
import { fitSaturation, saturationTest, saturationTestBlocks } from './saturation.js'

const MiB = 1024 * 1024
const normal = normalSource(42)
/** A 120 s window of 1 s samples with 4 KiB of independent noise, as quiesced readings give. */
const quiet = (level: (t: number) => number, seconds = 120) =>
  series(ar1(normal, seconds + 1, 0, 4096), level)

describe('saturationTest', () => {
  // A window of 3τ: long enough to bend, short enough that the last half still grows.
  it.each([10, 20, 40])('sees a cache filling with τ = %p s as saturating', (tauSec) => {
    const r = saturationTest(quiet((t) => 3 * MiB * (1 - Math.exp(-t / tauSec)), 3 * tauSec))!
    expect(r.shape).toBe('saturating')
    expect(r.z).toBeGreaterThan(1.645)
    expect(r.firstHalf.slopePerSec).toBeGreaterThan(r.lastHalf.slopePerSec)
  })

  it('calls a steady leak steady', () => {
    const r = saturationTest(quiet((t) => 12_800 * t))!
    expect(r.shape).toBe('steady')
    expect(Math.abs(r.z)).toBeLessThan(1.645)
    expect(r.lastHalf.slopePerSec).toBeCloseTo(12_800, -2)
  })

  it('flags a leak that starts 60 s into the window as accelerating', () => {
    const r = saturationTest(quiet((t) => 12_800 * Math.max(0, t - 60)))!
    expect(r.shape).toBe('accelerating')
    expect(r.z).toBeLessThan(-1.645)
  })

  it('splits 31 points into 15 and 16 that share none', () => {
    const r = saturationTest(quiet((t) => 100 * t, 30))!
    expect(r.firstHalf.n).toBe(15)
    expect(r.lastHalf.n).toBe(16)
  })

  it('is certain of a difference between noise-free halves', () => {
    const bent = Array.from({ length: 20 }, (_, t) => ({ t, v: Math.min(t, 10) * 1000 }))
    expect(saturationTest(bent)).toMatchObject({ z: Infinity, shape: 'saturating' })
  })

  it('pools the same half of every repeat', () => {
    const fill = (t: number) => 3 * MiB * (1 - Math.exp(-t / 10))
    const r = saturationTestBlocks([quiet(fill, 30), quiet(fill, 30)])!
    expect(r.shape).toBe('saturating')
    expect(r.lastHalf.n).toBe(32)
  })

  it('needs three points a half', () => {
    expect(saturationTest(quiet((t) => t, 4))).toBeNull()
  })
})

describe('fitSaturation', () => {
  it.each([10, 20, 40])('finds the plateau and τ = %p s of a filling cache', (tauSec) => {
    const fit = fitSaturation(quiet((t) => 5 * MiB + 3 * MiB * (1 - Math.exp(-t / tauSec))))!
    expect(fit.tauSec / tauSec).toBeGreaterThan(0.9)
    expect(fit.tauSec / tauSec).toBeLessThan(1.1)
    expect(Math.abs(fit.plateau - 8 * MiB)).toBeLessThan(0.02 * 3 * MiB)
    expect(Math.abs(fit.remainingSlopePerSec)).toBeLessThan(1024)
    expect(fit.residualSd).toBeGreaterThan(3000)
    expect(fit.residualSd).toBeLessThan(5500)
  })

  it('says how much a slow fill still adds after the window', () => {
    const fit = fitSaturation(quiet((t) => 3 * MiB * (1 - Math.exp(-t / 40))))!
    expect(fit.stillToFill / (3 * MiB * Math.exp(-120 / 40))).toBeGreaterThan(0.8)
    expect(fit.stillToFill / (3 * MiB * Math.exp(-120 / 40))).toBeLessThan(1.2)
  })

  it('keeps the leak beside the fill in the remaining slope', () => {
    const fit = fitSaturation(quiet((t) => 3 * MiB * (1 - Math.exp(-t / 10)) + 12_800 * t))!
    expect(fit.remainingSlopePerSec / 12_800).toBeGreaterThan(0.98)
    expect(fit.remainingSlopePerSec / 12_800).toBeLessThan(1.02)
    expect(fit.tauSec / 10).toBeGreaterThan(0.9)
    expect(fit.tauSec / 10).toBeLessThan(1.1)
  })

  it('puts a straight line in the remaining slope, with next to nothing left to fill', () => {
    const fit = fitSaturation(quiet((t) => 1000 + 12_800 * t))!
    expect(fit.remainingSlopePerSec / 12_800).toBeGreaterThan(0.95)
    expect(fit.remainingSlopePerSec / 12_800).toBeLessThan(1.05)
    expect(Math.abs(fit.stillToFill)).toBeLessThan(3 * 4096)
  })

  it('needs five points over at least 2 s', () => {
    expect(fitSaturation(quiet((t) => t, 3))).toBeNull()
    expect(fitSaturation([0, 0.3, 0.6, 0.9, 1.2].map((t) => ({ t, v: t })))).toBeNull()
  })
})
