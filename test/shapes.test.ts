// Growth shapes end to end: a real Go service whose heap grows in a straight line and then
// stops dead (ring-fill: a ring of the last N records), built with the real toolchain, run
// on 127.0.0.1 under the built-in load and judged by the real pipeline. The fail its first
// look would reach waits for the next look, and by then the ring is full: no fail.
import { jest } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../src/config.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import { SERVICES } from './fixtures/services.js'

jest.setTimeout(90_000)

let outDir: string
beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'memgate-shapes-test-'))
})
afterAll(() => rmSync(outDir, { recursive: true, force: true }))

describe('a hockey stick (ring-fill)', () => {
  it('is not failed: its fail waits for the next look, and the ring is full by then', async () => {
    const port = await freePort()
    // 2,000 records of 4 KiB at 200 requests/s: 47 MiB/min for 10 s of load, then flat.
    const raw: RawInputs = {
      'working-directory': join(SERVICES, 'ring-fill'),
      env: `ADDR=127.0.0.1:${port}\nRING_RECORDS=2000\nRECORD_BYTES=4096`,
      'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
      warmup: '2s',
      duration: '10s',
      'max-duration': '30s',
      baseline: 'none'
    }
    const lines: string[] = []
    const { report } = await runGate(parseConfig(raw), {
      outDir,
      repoRoot: SERVICES,
      configRecord: describeConfig(raw),
      log: (line) => lines.push(line)
    })
    const head = report.runs.head
    // Before the ring is full the heap grows far above the limit: a rule without a second
    // look would have failed it.
    const early = head.samples.filter((s) => s.t <= 6)
    const earlyPerSec =
      (early.at(-1)!.liveHeapBytes - early[0].liveHeapBytes) / (early.at(-1)!.t - early[0].t)
    expect(earlyPerSec).toBeGreaterThan(10 * head.looks[0].limitsPerSec.heap!)
    // Where the corner falls beside the first look depends on the machine: a first-look fail
    // waits for the second (rule 'confirming'); either way no look fails it.
    expect(head.looks[0].decisions.heap?.outcome).toBe('continue')
    expect(report.verdict).not.toBe('fail')
    expect(head.looks.length).toBeGreaterThan(1)
    expect(head.looks.map((l) => l.decisions.heap?.outcome)).not.toContain('fail')
  })
})
