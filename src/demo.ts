// `memgate demo`: the clean fixture and its leaking twin, measured as a PR would be,
// and the report that PR would get.
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { failsGate } from './analysis/verdict.js'
import { describeConfig, parseConfig, type RawInputs } from './config.js'
import { freePort } from './engine/free-port.js'
import { runGate } from './gate/gate.js'
import { renderMarkdown } from './report/markdown.js'

/** The fixture services ship beside dist/ and src/ alike. */
export const FIXTURES = fileURLToPath(new URL('../test/fixtures/services/', import.meta.url))

export interface DemoOptions {
  outDir: string
  log: (line: string) => void
  /** Where the report goes: the CLI's stdout. */
  stdout: { write(text: string): unknown }
  signal?: AbortSignal
}

async function demoInputs(extraEnv: string, baseline: string): Promise<RawInputs> {
  const port = await freePort()
  return {
    baseline,
    // Each twin is built from its own folder as the root: to the gate they are one
    // service at two commits, so the clean one's report can be the leaking one's baseline.
    'working-directory': '.',
    env: `ADDR=127.0.0.1:${port}\n${extraEnv}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
    // The clean twin's cache fills in its first 10 s at 200 requests/s.
    warmup: '12s',
    duration: '20s'
  }
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const gate = async (fixture: string, extraEnv: string, baseline = 'none') => {
    options.log(`\n== ${fixture} ==`)
    const raw = await demoInputs(extraEnv, baseline)
    return runGate(parseConfig(raw), {
      outDir: join(options.outDir, fixture),
      repoRoot: join(FIXTURES, fixture),
      configRecord: describeConfig(raw),
      log: options.log,
      signal: options.signal
    })
  }
  const clean = await gate('clean', '')
  const leak = await gate('heap-leak', 'LEAK_BYTES=256', clean.reportJsonPath)
  const out = options.stdout
  out.write(`\nThe clean service: ${clean.report.verdict}. Its leaking twin keeps 256 bytes a request.\n`)
  out.write('This is the comment a PR that adds the leak would get:\n\n')
  out.write(renderMarkdown(leak.report))
  const fails = failsGate(leak.report.verdict, 'fail')
  out.write(
    `\n${fails ? 'The gate would FAIL this PR' : `The gate would NOT fail this PR (verdict ${leak.report.verdict})`}: ${leak.report.reasons[0] ?? ''}\n`
  )
  out.write(`Reports: ${leak.reportJsonPath}, ${clean.reportJsonPath}\n`)
  // Its working-directory is `.`, the twin's own folder (the baseline must name the same one).
  out.write(`Its reproduce line runs from ${join(FIXTURES, 'heap-leak')}\n`)
  return 0
}
