// 2,500 fuzz cases a property in CI (test/fuzz/properties.ts); `npm run fuzz`
// runs many more and counts what it finds. A failure shows fast-check's shrunk input
// and the seed to run it again.
import fc from 'fast-check'
import { PROPERTIES } from './fuzz/properties.js'
import { runCase } from './fuzz/runner.js'

const RUNS = 2500

describe('fuzzing', () => {
  it.each(PROPERTIES.map((p) => [p.name, p] as const))(
    '%s: no crash, hang, schema break, stray markup or leaked secret',
    (_name, property) => {
      fc.assert(
        fc.property(property.arbitrary, (input) => {
          const { finding } = runCase(property, input)
          if (finding) throw new Error(`${finding.kind}: ${finding.detail}`)
        }),
        { numRuns: RUNS }
      )
    }
  )
})
