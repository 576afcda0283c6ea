// npm run bench:ci-minutes [-- --runs N]   (default 3 runs a scenario)
//
// What a PR costs in CI minutes: the CLI run end to end as a workflow step runs it (git,
// the merge-base's worktree, both builds, warm-ups, samples, extra pairs, the report), at
// default inputs with baseline: merge-base, on a clean PR and on a leaking one (the
// fixtures of bench:baseline: 64 B a request). Then the worst case the defaults allow.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfig } from '../src/config.js'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { fixtureRepo, SERVICE_ENV } from '../test/fixtures/repo.js'
import { runCli } from '../test/helpers/cli.js'
import { printTable, secondsSpread, spread } from './stats.js'

const { values } = parseArgs({ options: { runs: { type: 'string' } } })
const runs = Number(values.runs ?? 3)
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:ci-minutes: --runs must be a whole number of 1 or more\n')
  process.exit(2)
}

const SCENARIOS = [
  { name: 'clean PR (clean head over a clean base)', head: 'clean' },
  { name: 'leaking PR (64 B/request over a clean base)', head: 'heap-leak' }
]

interface Outcome {
  verdict: string
  pairs: number
  seconds: number
}

async function once(root: string, head: string, i: number): Promise<Outcome> {
  const dir = fixtureRepo(join(root, `${head}-${i}`, 'repo'), 'clean', head)
  const out = join(root, `${head}-${i}`, 'out')
  const port = await freePort()
  const env = [`ADDR=127.0.0.1:${port}`, ...SERVICE_ENV.split('\n')].flatMap((line) => ['--env', line])
  const started = Date.now()
  const result = await runCli([
    'run',
    '--working-directory',
    join(dir, 'svc'),
    ...env,
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--baseline',
    'merge-base',
    '--base-ref',
    'main',
    '--out',
    out
  ])
  const seconds = (Date.now() - started) / 1000
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`memgate exited ${result.code}: ${result.stderr}`)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report
  return { verdict: report.verdict, pairs: report.comparison?.pairs ?? 1, seconds }
}

/** The longest a run can take at the defaults: every pair to max-repeats, every look to max-duration. */
function worstCase(): string {
  const c = parseConfig({})
  const side = (c.warmupMs + c.maxDurationMs) / 1000
  const sides = 2 * c.maxRepeats
  return `${sides} runs (base and head, max-repeats ${c.maxRepeats}) × (warmup ${c.warmupMs / 1000}s + max-duration ${c.maxDurationMs / 1000}s) = ${sides * side}s = ${((sides * side) / 60).toFixed(1)} min, plus the builds and starts`
}

const root = mkdtempSync(join(tmpdir(), 'memgate-bench-ci-minutes-'))
try {
  const rows: string[][] = []
  for (const scenario of SCENARIOS) {
    const outcomes: Outcome[] = []
    for (let i = 1; i <= runs; i++) {
      const o = await once(root, scenario.head, i)
      outcomes.push(o)
      process.stderr.write(
        `${scenario.name} ${i}/${runs}: ${o.verdict}, ${o.pairs} pair(s), ${o.seconds.toFixed(0)}s\n`
      )
    }
    const verdicts = [...new Set(outcomes.map((o) => o.verdict))].join('/')
    rows.push([
      scenario.name,
      String(runs),
      verdicts,
      spread(
        outcomes.map((o) => o.pairs),
        String
      ),
      secondsSpread(outcomes.map((o) => o.seconds)),
      spread(
        outcomes.map((o) => o.seconds / 60),
        (v) => v.toFixed(1)
      )
    ])
  }
  const header = ['scenario', 'runs', 'verdicts', 'pairs: median (min … max)', 'wall time', 'CI minutes']
  process.stdout.write(
    `\nbaseline: merge-base, default inputs otherwise (${SERVICE_ENV.split('\n').join(', ')}), Go build cache warm\n\n`
  )
  printTable(header, rows)
  process.stdout.write(`\nworst case at the defaults: ${worstCase()}\n`)
} finally {
  rmSync(root, { recursive: true, force: true })
}
