// npm run bench:signatures: every mode of the misuse services (one misuse of a real library
// each, test/fixtures/services/misuse and misuse-clients; the database modes against a
// throwaway PostgreSQL, misuse-clients against a Redis, both Debian's, started here) through the gate with the default inputs; a table of
// the verdict, the lines on the comment's first screen, the known misuse named, and whether
// it names the line to change (the mode's marker comment).
// R: MEMGATE_BENCH_RUNS (default 1); MEMGATE_BENCH_ONLY: modes, comma-separated.
import type { SignatureKind } from '../src/model.js'
import { present } from '../src/report/present.js'
import type { Line } from '../src/report/view.js'
import { withPostgres } from '../test/fixtures/postgres.js'
import { withRedis } from '../test/fixtures/redis.js'
import { lineOf } from '../test/fixtures/services.js'
import { runFixture } from './run-fixture.js'

// The net/http modes leak a connection (3 sockets with the upstream's) a request: at the
// default 200/s the service runs out of file descriptors (20,000) within a minute, and its
// handler then fails fast, leaking nothing more. 20/s is 40 goroutines/s, 240× the limit.
// The database modes (pgx against a throwaway PostgreSQL cluster each run) leak a connection
// and a server process a request: 10/s stays within the cluster's 1,000 connections.
type Mode = [mode: string, expected: SignatureKind | null, rate?: string]
const MODES: Mode[] = [
  ['body-not-closed', 'response-body-not-closed', '20'],
  ['transport-per-request', 'transport-per-request', '20'],
  ['context-not-cancelled', 'context-not-cancelled'],
  ['afterfunc-not-stopped', 'timer-not-stopped'],
  ['request-kept', 'request-kept'],
  ['metric-label', 'metric-label-unbounded'],
  ['zap-syncer-per-request', 'write-syncer-not-stopped'],
  ['sql-open-per-request', 'sql-open-per-request', '10'],
  ['rows-not-closed', 'rows-not-closed', '10'],
  ['', null],
  // The same work done right, also querying PostgreSQL through one shared handle.
  ['correct-postgres', null, '10']
]

// A gRPC ClientConn keeps two connections (client and server, in the service), a go-redis
// client one until the GC takes it (Redis refuses clients past 10,000): 20/s, as the
// net/http modes. A go-redis v9 client per request is no leak: nothing keeps it.
const CLIENT_MODES: Mode[] = [
  ['redis-client-per-request', null, '20'],
  ['grpc-conn-per-request', 'grpc-conn-per-request', '20'],
  ['tracer-provider-per-request', 'tracer-provider-per-request'],
  ['', null]
]

const runs = Number(process.env.MEMGATE_BENCH_RUNS ?? 1)
if (!Number.isInteger(runs) || runs < 1)
  throw new Error('MEMGATE_BENCH_RUNS must be a whole number of 1 or more')
const only = process.env.MEMGATE_BENCH_ONLY?.split(',')

const DATABASE_MODES = ['sql-open-per-request', 'rows-not-closed', 'correct-postgres']

/** One run of a mode; `env`: the service's lines besides MISUSE (and the database's URL). */
const once = (fixture: string, env: string, mode: string, rate?: string) => {
  const run = (lines: string) =>
    runFixture(fixture, [env, lines].filter(Boolean).join('\n'), () => (rate ? { rate } : {}))
  const misuse = mode && mode !== 'correct-postgres' ? `MISUSE=${mode}` : ''
  return fixture === 'misuse' && DATABASE_MODES.includes(mode)
    ? withPostgres((url) => run(`${misuse}\nDATABASE_URL=${url}`))
    : run(misuse)
}

/** Where a library object is made anew a request, the call into it (`// memgate:calls <mode>`). */
function callLine(fixture: string, mode: string): string | null {
  try {
    return `${fixture}/main.go:${lineOf(fixture, `// memgate:calls ${mode}`)}`
  } catch {
    return null
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
/** A mode's name in MEMGATE_BENCH_ONLY: "correct" and "misuse-clients-correct" for the modes without MISUSE. */
const nameOf = (fixture: string, mode: string) =>
  mode || (fixture === 'misuse' ? 'correct' : `${fixture}-correct`)
const chosen = (fixture: string, modes: Mode[]) =>
  modes.filter(([m]) => !only || only.includes(nameOf(fixture, m)))

/** R rows of a fixture's modes; `env`: the service's lines besides MISUSE. */
async function rows(fixture: string, modes: Mode[], env = ''): Promise<void> {
  for (const [mode, expected, rate] of chosen(fixture, modes)) {
    for (let r = 0; r < runs; r++) {
      const { report, seconds } = await once(fixture, env, mode, rate)
      const view = present(report)
      const site = report.runs.head.attribution?.signatures?.[0]?.site
      const marked = expected ? `${fixture}/main.go:${lineOf(fixture, `// memgate:misuse ${mode}`)}` : null
      const calls = expected ? callLine(fixture, mode) : null
      const named = view.knownMisuse ? (report.runs.head.attribution?.signatures?.[0]?.kind ?? '') : '—'
      const at = site ? `${site.repoPath ?? site.file}:${site.line}` : null
      const atMarker =
        at !== null && ((marked !== null && at.endsWith(marked)) || (calls !== null && at.endsWith(calls)))
      const right =
        expected === null
          ? named === '—'
            ? 'nothing named ✓'
            : 'named on a clean run ✗'
          : named === expected && atMarker
            ? `✓ ${at}`
            : `✗ ${at ?? 'no line'} (want ${expected} at ${marked})`
      const leaking = codeIn(view.leakingLine)
      const label = fixture === 'misuse' && !mode ? 'correct (no misuse)' : nameOf(fixture, mode)
      process.stdout.write(
        `| ${label}${rate ? ` (rate ${rate}/s)` : ''} | ${report.verdict} | ${leaking && typeof leaking !== 'string' ? leaking.code : plain(view.leakingLine)} | ${named} | ${right} | ${seconds.toFixed(0)} |\n`
      )
    }
  }
}

await rows('misuse', MODES)
if (chosen('misuse-clients', CLIENT_MODES).length > 0)
  await withRedis((addr) => rows('misuse-clients', CLIENT_MODES, `REDIS_ADDR=${addr}`))
