// `npm run fuzz`: every property FUZZ_RUNS times (100,000 by default; FUZZ_SEED to repeat
// a run), then a summary of crashes, hangs (cases over 1 s), schema breaks, stray markup
// and leaked secrets. Exits 1 on any finding.
import { fuzzComment } from './comment.js'
import { PROPERTIES } from './properties.js'
import { HANG_MS, runProperty } from './runner.js'

const runs = Number(process.env.FUZZ_RUNS) || 100_000
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now()
console.log(`fuzzing ${PROPERTIES.length} properties, ${runs} cases each, seed ${seed}`)

let findings = 0
for (const property of PROPERTIES) {
  const s = runProperty(property, runs, seed)
  const counts = Object.entries(s.found)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ')
  console.log(
    `${s.name.padEnd(32)} ${String(s.cases).padStart(7)} cases in ${s.seconds.toFixed(0).padStart(4)} s  ${counts}  (slowest ${s.slowestMs.toFixed(0)} ms, hang > ${HANG_MS} ms)`
  )
  for (const e of s.examples) console.log(`  ${e.kind}: ${e.detail.split('\n').slice(0, 6).join('\n    ')}`)
  findings += Object.values(s.found).reduce((a, b) => a + b, 0)
}
const comment = fuzzComment(runs, seed)
console.log(
  `${'comment through cmark-gfm'.padEnd(32)} ${String(comment.cases).padStart(7)} cases in ${comment.seconds.toFixed(0).padStart(4)} s  live ${comment.findings.length}`
)
for (const f of comment.findings.slice(0, 3)) console.log(`  live: ${f}`)
findings += comment.findings.length
console.log(findings === 0 ? 'no findings' : `${findings} findings`)
process.exitCode = findings === 0 ? 0 : 1
