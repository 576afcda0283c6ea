// npm run bench:pprof-port [-- --runs N]   (default 3 runs a layout and service)
//
// Whether serving pprof on the API's own port changes what memgate measures: the fixture
// `faulty` serves its API on ADDR and net/http/pprof either on the same mux or, with
// PPROF_ADDR, on a port of its own, with the built-in load on the API in both layouts.
// For a flat service (LEAK_BYTES=0) and a leaking one (64 B a request): the head's heap
// slope, its interval's half-width, and the verdict, at default inputs, baseline none.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { formatByteRate } from '../src/units.js'
import { SERVICES } from '../test/fixtures/services.js'
import { runCli } from '../test/helpers/cli.js'
import { median, printTable, spread } from './stats.js'

const { values } = parseArgs({ options: { runs: { type: 'string' } } })
const runs = Number(values.runs ?? 3)
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('bench:pprof-port: --runs must be a whole number of 1 or more\n')
  process.exit(2)
}

const LAYOUTS = ['same port as the API', 'a port of its own'] as const
const LEAKS = [0, 64]

interface Outcome {
  verdict: string
  slopePerSec: number
  halfWidthPerSec: number
}

async function once(
  root: string,
  layout: (typeof LAYOUTS)[number],
  leakBytes: number,
  i: number
): Promise<Outcome> {
  const [api, pprof] = [await freePort(), await freePort()]
  const own = layout === 'a port of its own'
  const pprofPort = own ? pprof : api
  const out = join(root, `${own ? 'own' : 'same'}-${leakBytes}-${i}`)
  const result = await runCli([
    'run',
    '--working-directory',
    `${SERVICES}faulty`,
    '--env',
    `ADDR=127.0.0.1:${api}`,
    ...(own ? ['--env', `PPROF_ADDR=127.0.0.1:${pprof}`] : []),
    '--env',
    `LEAK_BYTES=${leakBytes}`,
    '--pprof-url',
    `http://127.0.0.1:${pprofPort}/debug/pprof`,
    '--target-url',
    `http://127.0.0.1:${api}/`,
    '--out',
    out
  ])
  if (result.code !== 0 && result.code !== 1)
    throw new Error(`memgate exited ${result.code}: ${result.stderr}`)
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report
  const heap = report.runs.head.trends.heap
  if (!heap) throw new Error('no heap trend')
  return {
    verdict: report.verdict,
    slopePerSec: heap.slopePerSec,
    halfWidthPerSec: (heap.ciHigh - heap.ciLow) / 2
  }
}

const root = mkdtempSync(join(tmpdir(), 'memgate-bench-pprof-port-'))
try {
  const rows: string[][] = []
  for (const leakBytes of LEAKS)
    for (const layout of LAYOUTS) {
      const outcomes: Outcome[] = []
      for (let i = 1; i <= runs; i++) {
        const o = await once(root, layout, leakBytes, i)
        outcomes.push(o)
        process.stderr.write(
          `${leakBytes} B/request, pprof on ${layout} ${i}/${runs}: ${o.verdict}, ${formatByteRate(o.slopePerSec)}\n`
        )
      }
      rows.push([
        `${leakBytes} B/request`,
        layout,
        String(runs),
        [...new Set(outcomes.map((o) => o.verdict))].join('/'),
        spread(
          outcomes.map((o) => o.slopePerSec),
          formatByteRate
        ),
        formatByteRate(median(outcomes.map((o) => o.halfWidthPerSec)))
      ])
    }
  const header = [
    'leak',
    'pprof on',
    'runs',
    'verdicts',
    'heap slope: median (min … max)',
    'median CI half-width'
  ]
  process.stdout.write('\nfixture faulty, built-in load on its API, default inputs, baseline none\n\n')
  printTable(header, rows)
} finally {
  rmSync(root, { recursive: true, force: true })
}
