// Shared by the benches: one gate run over a fixture service on a free loopback port.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../src/config.js'
import { FIXTURES } from '../src/demo.js'
import { freePort } from '../src/engine/free-port.js'
import { runGate } from '../src/gate/gate.js'
import type { Report } from '../src/model.js'

/**
 * Runs the gate on test/fixtures/services/<fixture> with the default inputs, the service's
 * `env` lines after its ADDR, and the `extra` inputs for its port; its output is removed.
 */
export async function runFixture(
  fixture: string,
  env: string,
  extra: (port: number) => RawInputs = () => ({})
): Promise<{ report: Report; seconds: number }> {
  const port = await freePort()
  const raw: RawInputs = {
    'working-directory': join(FIXTURES, fixture),
    env: `ADDR=127.0.0.1:${port}\n${env}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
    ...extra(port)
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
