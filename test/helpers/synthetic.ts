// Seeded synthetic series for the statistics' tests and the verdict simulation:
// the same seed gives the same series on every machine, so figures are reproducible.
import type { Point } from '../../src/analysis/point.js'

/** mulberry32: a tiny 32-bit generator, uniform in [0, 1). */
export function uniformSource(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws by Box–Muller (both values of each pair used). */
export function normalSource(seed: number): () => number {
  const uniform = uniformSource(seed)
  let spare: number | null = null
  return () => {
    if (spare !== null) {
      const z = spare
      spare = null
      return z
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
}

/**
 * n residuals of a stationary AR(1) with lag-1 correlation phi and marginal sd `sd`
 * (the first drawn from the stationary distribution, so no burn-in is needed).
 */
export function ar1(normal: () => number, n: number, phi: number, sd: number): number[] {
  const innovationSd = sd * Math.sqrt(1 - phi * phi)
  const out: number[] = []
  let x = sd * normal()
  for (let i = 0; i < n; i++) {
    if (i > 0) x = phi * x + innovationSd * normal()
    out.push(x)
  }
  return out
}

/** Points at t = 0, step, 2·step… with values `level(t) + noise[i]`. */
export function series(noise: number[], level: (t: number) => number, stepSec = 1): Point[] {
  return noise.map((e, i) => ({ t: i * stepSec, v: level(i * stepSec) + e }))
}
