// Runs a fuzz property many times and counts what it found, instead of stopping at the
// first finding as fc.assert does: `npm run fuzz` reports crashes, hangs and leaks.
import fc from 'fast-check'
import type { Finding, FuzzProperty } from './properties.js'

/** A case slower than this counts as a hang. */
export const HANG_MS = 1000

export interface Summary {
  name: string
  cases: number
  found: Record<Finding['kind'] | 'hang', number>
  /** The first findings, for a reproduction. */
  examples: Finding[]
  slowestMs: number
  seconds: number
}

/** One case, timed: its finding, or a hang when it took longer than HANG_MS. */
export function runCase<T>(property: FuzzProperty<T>, input: T): { finding: Finding | null; ms: number } {
  const start = performance.now()
  const finding = property.check(input)
  const ms = performance.now() - start
  if (!finding && ms > HANG_MS) return { finding: { kind: 'crash', detail: `took ${ms.toFixed(0)} ms` }, ms }
  return { finding, ms }
}

export function runProperty<T>(property: FuzzProperty<T>, numRuns: number, seed?: number): Summary {
  const summary: Summary = {
    name: property.name,
    cases: 0,
    found: { crash: 0, schema: 0, markup: 0, leak: 0, hang: 0 },
    examples: [],
    slowestMs: 0,
    seconds: 0
  }
  const start = performance.now()
  fc.check(
    fc.property(property.arbitrary, (input) => {
      const { finding, ms } = runCase(property, input)
      summary.cases++
      summary.slowestMs = Math.max(summary.slowestMs, ms)
      if (ms > HANG_MS) summary.found.hang++
      else if (finding) summary.found[finding.kind]++
      if (finding && summary.examples.length < 3) summary.examples.push(finding)
      return true
    }),
    { numRuns, seed }
  )
  summary.seconds = (performance.now() - start) / 1000
  return summary
}
