// npm run bench:signatures: every mode of the misuse service (one misuse of a real library
// each, test/fixtures/services/misuse) through the gate with the default inputs; a table of
// the verdict, the lines on the comment's first screen, the known misuse named, and whether
// it names the line to change (the mode's marker comment).
// R: MEMGATE_BENCH_RUNS (default 1); MEMGATE_BENCH_ONLY: modes, comma-separated.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../src/config.js'
import { FIXTURES } from '../src/demo.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import type { Report, SignatureKind } from '../src/model.js'
import { present } from '../src/report/present.js'
import type { Line } from '../src/report/view.js'
import { lineOf } from '../test/fixtures/services.js'

const MODES: Array<[mode: string, expected: SignatureKind | null]> = [
  ['body-not-closed', 'response-body-not-closed'],
  ['transport-per-request', 'transport-per-request'],
  ['context-not-cancelled', 'context-not-cancelled'],
  ['afterfunc-not-stopped', 'timer-not-stopped'],
  ['request-kept', 'request-kept'],
  ['metric-label', 'metric-label-unbounded'],
  ['', null]
]

const runs = Number(process.env.MEMGATE_BENCH_RUNS ?? 1)
if (!Number.isInteger(runs) || runs < 1)
  throw new Error('MEMGATE_BENCH_RUNS must be a whole number of 1 or more')
const only = process.env.MEMGATE_BENCH_ONLY?.split(',')

async function once(mode: string): Promise<{ report: Report; seconds: number }> {
  const port = await freePort()
  const raw: RawInputs = {
    'working-directory': join(FIXTURES, 'misuse'),
    env: `ADDR=127.0.0.1:${port}${mode ? `\nMISUSE=${mode}` : ''}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`
  }
  const outDir = mkdtempSync(join(tmpdir(), 'memgate-bench-'))
  const started = Date.now()
  try {
    const { report } = await runGate(parseConfig(raw), {
      outDir,
      repoRoot: FIXTURES,
      configRecord: describeConfig(raw),
      log: () => {}
    })
    return { report, seconds: (Date.now() - started) / 1000 }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

const plain = (line: Line | null) =>
  line
    ? line
        .map((s) => (typeof s === 'string' ? s : s.code))
        .join('')
        .replace(/\|/g, '\\|')
    : '—'

/** The "file:line" a first-screen line names, as code. */
const codeIn = (line: Line | null) => line?.find((s) => typeof s !== 'string')

process.stdout.write(
  `Known leak signatures with the default inputs (go-memgate bench:signatures, R=${runs})\n\n` +
    '| mode | verdict | leaking line (first screen) | known misuse named | names the line to change | seconds |\n' +
    '|---|---|---|---|---|---|\n'
)
for (const [mode, expected] of MODES.filter(([m]) => !only || only.includes(m || 'correct'))) {
  for (let r = 0; r < runs; r++) {
    const { report, seconds } = await once(mode)
    const view = present(report)
    const site = report.runs.head.attribution?.signatures?.[0]?.site
    const marked = mode ? `misuse/main.go:${lineOf('misuse', `// memgate:misuse ${mode}`)}` : null
    const named = view.knownMisuse ? (report.runs.head.attribution?.signatures?.[0]?.kind ?? '') : '—'
    const at = site ? `${site.repoPath ?? site.file}:${site.line}` : null
    const right =
      expected === null
        ? named === '—'
          ? 'nothing named ✓'
          : 'named on a clean run ✗'
        : named === expected && at === marked
          ? `✓ ${at}`
          : `✗ ${at ?? 'no line'} (want ${expected} at ${marked})`
    const leaking = codeIn(view.leakingLine)
    process.stdout.write(
      `| ${mode || 'correct (no misuse)'} | ${report.verdict} | ${leaking && typeof leaking !== 'string' ? leaking.code : plain(view.leakingLine)} | ${named} | ${right} | ${seconds.toFixed(0)} |\n`
    )
  }
}
