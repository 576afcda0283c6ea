// npm run bench:policy [-- --runs N --only pr|reach]  (or MEMGATE_BENCH_RUNS=N; default 5)
//
// Issue 19's policy, measured on real services, R runs a scenario, a whole gate each:
//  pr:    a PR judged on what it changes. Base and head both leak 64 B a request (heap-leak,
//         about 1 MiB/min, past the default 512 KiB/min limit): at default inputs
//         (absolute-limits: change) a head that adds nothing passes; a head that adds
//         64 B a request more fails; absolute-limits: strict fails the unchanged head as before.
//  reach: a load that misses the code. The routed fixture serves GET /api/orders only: the
//         built-in load and a load-command at a mistyped path (every answer the mux's 404),
//         and both at the right path on the clean service and on one keeping 64 B an order.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { describeConfig, parseConfig, type RawInputs } from '../src/config.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import type { Report } from '../src/model.js'
import { formatByteRate, formatBytes } from '../src/units.js'
import { baselineInputs, git } from '../test/fixtures/repo.js'
import { SERVICES } from '../test/fixtures/services.js'
import { spread } from './stats.js'

const { values } = parseArgs({ options: { runs: { type: 'string' }, only: { type: 'string' } } })
const runs = Number(values.runs ?? process.env.MEMGATE_BENCH_RUNS ?? 5)
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:policy: --runs (or MEMGATE_BENCH_RUNS) must be a whole number of 1 or more\n')
  process.exit(2)
}

/** What one gate gave: its verdict, or the error it stopped with, and what decided it. */
interface Outcome {
  verdict: string
  why: string
  seconds: number
  report: Report | null
}

async function gateOnce(raw: RawInputs, repoRoot: string, outDir: string): Promise<Outcome> {
  const started = Date.now()
  try {
    const { report } = await runGate(parseConfig(raw), {
      outDir,
      repoRoot,
      configRecord: describeConfig(raw),
      log: () => {}
    })
    return {
      verdict: report.verdict,
      why: report.reasons[0] ?? '',
      seconds: (Date.now() - started) / 1000,
      report
    }
  } catch (e) {
    return {
      verdict: 'error',
      why: (e as Error).message,
      seconds: (Date.now() - started) / 1000,
      report: null
    }
  }
}

const count = (outcomes: Outcome[], verdict: string) => outcomes.filter((o) => o.verdict === verdict).length
const tally = (o: Outcome[]) =>
  `${count(o, 'pass')}/${count(o, 'inconclusive')}/${count(o, 'fail')}/${count(o, 'error')}`
const seconds = (o: Outcome[]) =>
  spread(
    o.map((x) => x.seconds),
    (v) => `${v.toFixed(0)}s`
  )

// --- pr --------------------------------------------------------------------------------

/** heap-leak keeping LEAK_BYTES (64, from SERVICE_ENV) a request, plus `extra` bytes in the head. */
function leakRepo(dir: string, extra: number): string {
  const svc = join(dir, 'svc')
  cpSync(join(SERVICES, 'heap-leak'), svc, { recursive: true })
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'bench@example.com')
  git(dir, 'config', 'user.name', 'bench')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base: keeps 64 B a request')
  git(dir, 'checkout', '-q', '-b', 'pr')
  const main = join(svc, 'main.go')
  const source = readFileSync(main, 'utf8')
  const changed = source.replace('make([]byte, leakBytes)', `make([]byte, leakBytes+${extra})`)
  if (extra > 0 && changed === source) throw new Error('heap-leak/main.go: the leak line moved')
  writeFileSync(main, changed)
  git(dir, 'commit', '-q', '-a', '--allow-empty', '-m', `head: ${extra} B a request more`)
  return dir
}

interface PrScenario {
  name: string
  extra: number
  absoluteLimits: 'change' | 'strict'
}

const PR: PrScenario[] = [
  { name: 'base and head both keep 64 B/request (head adds nothing)', extra: 0, absoluteLimits: 'change' },
  { name: 'head keeps 64 B/request more than the base', extra: 64, absoluteLimits: 'change' },
  { name: 'head adds nothing, absolute-limits: strict', extra: 0, absoluteLimits: 'strict' }
]

async function benchPr(root: string): Promise<void> {
  const rows: string[] = []
  for (const [k, s] of PR.entries()) {
    const outcomes: Outcome[] = []
    for (let i = 1; i <= runs; i++) {
      const dir = leakRepo(join(root, `pr-${k}-${i}`, 'repo'), s.extra)
      const raw: RawInputs = { ...baselineInputs(await freePort()), 'absolute-limits': s.absoluteLimits }
      const o = await gateOnce(raw, dir, join(dir, '..', 'out'))
      outcomes.push(o)
      process.stderr.write(`pr: ${s.name} ${i}/${runs}: ${o.verdict} in ${o.seconds.toFixed(0)}s: ${o.why}\n`)
    }
    const slopes = (side: 'head' | 'base') =>
      outcomes.flatMap((o) => {
        const t = o.report?.runs[side]?.trends.heap
        return t ? [t.slopePerSec] : []
      })
    const diffs = outcomes.flatMap((o) =>
      o.report?.comparison?.heap ? [o.report.comparison.heap.diffPerSec] : []
    )
    const rules = [
      ...new Set(
        outcomes.flatMap((o) =>
          (o.report?.judgements ?? [])
            .filter((j) => j.series === 'heap' && j.against === 'limit')
            .map((j) => j.rule)
        )
      )
    ]
    rows.push(
      `| ${s.name} | ${outcomes.length} | ${tally(outcomes)} | ${spread(slopes('base'), formatByteRate)} | ${spread(slopes('head'), formatByteRate)} | ${spread(diffs, formatByteRate)} | ${rules.join(', ')} | ${spread(
        outcomes.map((o) => o.report?.comparison?.pairs ?? 1),
        String
      )} | ${seconds(outcomes)} |`
    )
  }
  process.stdout.write(
    `\nPR flow (baseline: merge-base, default inputs: max-heap-growth 512 KiB/min, allowed increase 256 KiB/min; warmup 3s, duration 12s)\n\n` +
      '| scenario | R | pass/inconcl./fail/error | base heap slope: median (min … max) | head heap slope | head − base | heap rule against the limit | pairs | seconds per gate |\n' +
      '|---|---|---|---|---|---|---|---|---|\n' +
      rows.join('\n') +
      '\n'
  )
}

// --- reach -----------------------------------------------------------------------------

/** A user's load script: GETs in a loop, one at a time, for MEMGATE_DURATION seconds, at `path`. */
const loop = (path: string) =>
  `node -e 'const end = Date.now() + Number(process.env.MEMGATE_DURATION) * 1000;` +
  ` (async () => { while (Date.now() < end) { await (await fetch(process.env.MEMGATE_TARGET_URL + "${path}")).text();` +
  ` await new Promise((r) => setTimeout(r, 4)) } })()'`

interface ReachScenario {
  name: string
  path: string
  command: boolean
  leakBytes: number
}

const REACH: ReachScenario[] = [
  { name: 'built-in load at a mistyped path (404)', path: 'api/ordres', command: false, leakBytes: 0 },
  { name: 'load-command at a mistyped path (404)', path: 'api/ordres', command: true, leakBytes: 0 },
  {
    name: 'load-command at a mistyped path, leaking service',
    path: 'api/ordres',
    command: true,
    leakBytes: 64
  },
  { name: 'built-in load at /api/orders, clean', path: 'api/orders', command: false, leakBytes: 0 },
  {
    name: 'built-in load at /api/orders, 64 B/request kept',
    path: 'api/orders',
    command: false,
    leakBytes: 64
  },
  { name: 'load-command at /api/orders, clean', path: 'api/orders', command: true, leakBytes: 0 },
  { name: 'load-command at /api/orders, 64 B/request kept', path: 'api/orders', command: true, leakBytes: 64 }
]

async function benchReach(root: string): Promise<void> {
  const rows: string[] = []
  for (const [k, s] of REACH.entries()) {
    const outcomes: Outcome[] = []
    for (let i = 1; i <= runs; i++) {
      const port = await freePort()
      const target = `http://127.0.0.1:${port}/`
      const raw: RawInputs = {
        'working-directory': join(SERVICES, 'routed'),
        env: `ADDR=127.0.0.1:${port}\nLEAK_BYTES=${s.leakBytes}`,
        'pprof-url': `${target}debug/pprof`,
        'target-url': s.command ? target : `${target}${s.path}`,
        ...(s.command ? { 'load-command': loop(s.path) } : {})
      }
      const outDir = join(root, `reach-${k}-${i}`)
      const o = await gateOnce(raw, SERVICES, outDir)
      rmSync(outDir, { recursive: true, force: true })
      outcomes.push(o)
      process.stderr.write(
        `reach: ${s.name} ${i}/${runs}: ${o.verdict} in ${o.seconds.toFixed(0)}s: ${o.why}\n`
      )
    }
    const reach = outcomes.flatMap((o) =>
      o.report?.runs.head.loadReach ? [o.report.runs.head.loadReach] : []
    )
    const perSec = (v: number) => `${formatBytes(v)}/s`
    const missed = reach.filter((r) => r.outcome === 'missed').length
    rows.push(
      `| ${s.name} | ${outcomes.length} | ${tally(outcomes)} | ${reach.length ? `${missed}/${reach.length}` : '—'} | ${
        reach.length
          ? spread(
              reach.map((r) => r.ownAllocBytesPerSec),
              perSec
            )
          : '—'
      } | ${
        reach.length
          ? spread(
              reach.map((r) => r.allocBytesPerSec),
              perSec
            )
          : '—'
      } | ${
        reach.length
          ? spread(
              reach.map((r) => r.idleAllocBytesPerSec),
              perSec
            )
          : '—'
      } | ${seconds(outcomes)} | ${outcomes.find((o) => o.verdict === 'error')?.why.slice(0, 120) ?? ''} |`
    )
  }
  process.stdout.write(
    `\nLoad reach (routed fixture, default inputs)\n\n` +
      '| scenario | R | pass/inconcl./fail/error | load missed the code | own-code allocation under load: median (min … max) | service allocation under load | service allocation idle | seconds per gate | error |\n' +
      '|---|---|---|---|---|---|---|---|---|\n' +
      rows.join('\n') +
      '\n'
  )
}

const root = mkdtempSync(join(tmpdir(), 'memgate-bench-policy-'))
try {
  if (!values.only || values.only === 'pr') await benchPr(root)
  if (!values.only || values.only === 'reach') await benchReach(root)
} finally {
  rmSync(root, { recursive: true, force: true })
}
