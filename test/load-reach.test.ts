// A load that never reaches the service's code is no pass: the routed fixture serves only
// GET /api/orders, and a load-command with a typo in its path gets the mux's 404 for every
// request. Run beside the same command at the right path, on real processes and profiles.
import { jest } from '@jest/globals'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import type { Report } from '../src/model.js'
import { SERVICES } from './fixtures/services.js'
import { runCli } from './helpers/cli.js'

jest.setTimeout(120_000)

/** A user's load script: GETs in a loop, one at a time, for MEMGATE_DURATION seconds, at `path`. */
const loop = (path: string) =>
  `node -e 'const end = Date.now() + Number(process.env.MEMGATE_DURATION) * 1000;` +
  ` (async () => { while (Date.now() < end) { await (await fetch(process.env.MEMGATE_TARGET_URL + "${path}")).text();` +
  ` await new Promise((r) => setTimeout(r, 4)) } })()'`

async function gateWithLoad(path: string): Promise<{ code: number | null; report: Report }> {
  const port = await freePort()
  const out = mkdtempSync(join(tmpdir(), 'memgate-reach-'))
  const result = await runCli([
    'run',
    '--working-directory',
    `${SERVICES}routed`,
    '--env',
    `ADDR=127.0.0.1:${port}`,
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--target-url',
    `http://127.0.0.1:${port}/`,
    '--load-command',
    loop(path),
    '--warmup',
    '3s',
    '--duration',
    '12s',
    '--out',
    out
  ])
  return { code: result.code, report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) }
}

it('is inconclusive when every request of the load-command gets a 404, and passes when it reaches the handler', async () => {
  const [typo, right] = await Promise.all([gateWithLoad('api/ordres'), gateWithLoad('api/orders')])

  expect(typo.report.verdict).toBe('inconclusive')
  expect(typo.code).toBe(0) // fail-on: fail lets an inconclusive through, and says so
  const missed = typo.report.runs.head.loadReach
  expect(missed).toMatchObject({ outcome: 'missed', ownAllocBytesPerSec: 0 })
  // net/http allocated for every 404: the service's allocation rate alone could not tell.
  expect(missed!.allocBytesPerSec).toBeGreaterThan(10 * missed!.idleAllocBytesPerSec)
  expect(typo.report.judgements[0]).toMatchObject({ rule: 'load-missed-code', outcome: 'inconclusive' })
  expect(typo.report.reasons[0]).toMatch(/^the load made no measurable difference to the service's own code/)

  expect(right.report.verdict).toBe('pass')
  expect(right.code).toBe(0)
  const reached = right.report.runs.head.loadReach
  expect(reached?.outcome).toBe('reached')
  expect(reached!.ownAllocBytesPerSec).toBeGreaterThan(10 * 1024)
  expect(right.report.runs.head.load).toMatchObject({ kind: 'command', requests: null })
})
