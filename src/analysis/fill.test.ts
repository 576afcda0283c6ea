import { ar1, normalSource, series } from '../../test/helpers/synthetic.js'
import { fillAtTau, fillResiduals, fitFill, logGrid } from './fill.js'

const MiB = 1024 * 1024
const normal = normalSource(42)
/** 1 s samples with 4 KiB of independent noise, as quiesced readings give. */
const quiet = (level: (t: number) => number, seconds = 120) =>
  series(ar1(normal, seconds + 1, 0, 4096), level)
const fill = (size: number, tauSec: number) => (t: number) => size * (1 - Math.exp(-t / tauSec))

describe('fitFill', () => {
  it.each([10, 20, 40])('finds the plateau and τ = %p s of a filling cache', (tauSec) => {
    const f = fitFill(quiet((t) => 5 * MiB + fill(3 * MiB, tauSec)(t)))!
    expect(f.tauSec / tauSec).toBeGreaterThan(0.9)
    expect(f.tauSec / tauSec).toBeLessThan(1.1)
    expect(Math.abs(f.plateau - 8 * MiB)).toBeLessThan(0.02 * 3 * MiB)
    expect(Math.abs(f.remainingSlopePerSec)).toBeLessThan(1024)
    expect(f.residualSd).toBeGreaterThan(3000)
    expect(f.residualSd).toBeLessThan(5500)
  })

  it('says how much a slow fill still adds after the window', () => {
    const f = fitFill(quiet(fill(3 * MiB, 40)))!
    const expected = 3 * MiB * Math.exp(-120 / 40)
    expect(f.stillToFill / expected).toBeGreaterThan(0.8)
    expect(f.stillToFill / expected).toBeLessThan(1.2)
  })

  it('keeps the leak beside the fill in the remaining slope', () => {
    const f = fitFill(quiet((t) => fill(3 * MiB, 10)(t) + 12_800 * t))!
    expect(f.remainingSlopePerSec / 12_800).toBeGreaterThan(0.98)
    expect(f.remainingSlopePerSec / 12_800).toBeLessThan(1.02)
    expect(f.tauSec / 10).toBeGreaterThan(0.9)
    expect(f.tauSec / 10).toBeLessThan(1.1)
  })

  it('puts a straight line in the remaining slope, with next to nothing left to fill', () => {
    const f = fitFill(quiet((t) => 1000 + 12_800 * t))!
    expect(f.remainingSlopePerSec / 12_800).toBeGreaterThan(0.95)
    expect(f.remainingSlopePerSec / 12_800).toBeLessThan(1.05)
    expect(Math.abs(f.stillToFill)).toBeLessThan(3 * 4096)
  })

  it('needs five points over at least 2 s', () => {
    expect(fitFill(quiet((t) => t, 3))).toBeNull()
    expect(fitFill([0, 0.3, 0.6, 0.9, 1.2].map((t) => ({ t, v: t })))).toBeNull()
  })
})

describe('fillResiduals', () => {
  it('leaves the noise of a fill slower than the window, not its bow', () => {
    const points = quiet(fill(3 * MiB, 40), 30)
    const residuals = fillResiduals(points)!
    const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length)
    expect(residuals).toHaveLength(31)
    expect(sd).toBeLessThan(5000)
  })
})

describe('fillAtTau', () => {
  it('recovers an exact fill with a leak, each repeat with its own level and size', () => {
    const block = (level: number, size: number) =>
      Array.from({ length: 30 }, (_, t) => ({ t: 100 + t, v: level + fill(size, 8)(t) + 500 * t }))
    const f = fillAtTau([block(1e6, 2e6), block(3e6, 1e6)], 8)!
    expect(f.b).toBeCloseTo(500, 6)
    expect(f.a[0]).toBeCloseTo(1e6, 3)
    expect(f.a[1]).toBeCloseTo(3e6, 3)
    expect(f.A[0]).toBeCloseTo(2e6, 3)
    expect(f.A[1]).toBeCloseTo(1e6, 3)
    // Rounding only: the centred sum of squares is about 1e13.
    expect(f.squares).toBeLessThan(1)
  })

  it('refuses a τ at which the fill is a straight line', () => {
    const line = Array.from({ length: 10 }, (_, t) => ({ t, v: t }))
    expect(fillAtTau([line], 1e12)).toBeNull()
  })
})

describe('logGrid', () => {
  it('spaces evenly on a log scale, ends included', () => {
    const grid = logGrid(1, 1000, 4)
    expect(grid.map((x) => Math.round(x * 1e9) / 1e9)).toEqual([1, 10, 100, 1000])
  })
})
