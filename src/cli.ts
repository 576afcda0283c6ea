// memgate CLI: `memgate run [flags]` gates one service (exit 0 pass, 1 fail, 2 error);
// `memgate demo` runs a bundled leaking service against its clean twin.
import { Command, CommanderError, Option } from 'commander'
import { resolve } from 'node:path'
import { failsGate } from './analysis/verdict.js'
import { ConfigError, describeConfig, parseConfig, type RawInputs } from './config.js'
import { runDemo } from './demo.js'
import { runGate } from './gate/gate.js'
import { killAllGroups } from './engine/processes.js'
import { GateError } from './errors.js'
import { INPUTS } from './inputs.js'
import { TOOL_VERSION } from './report/report.js'
import { renderTerminal } from './report/terminal.js'

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nmemgate: ${signal}: stopping the service and the load\n`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  const log = (line: string) => process.stderr.write(line + '\n')
  let exitCode = 0
  const program = new Command('memgate')
    .version(TOOL_VERSION)
    .description('Keeps memory leaks in Go services out of the main branch.')
    .exitOverride()
    .configureOutput({ outputError: () => {} })

  const run = program
    .command('run')
    .description(
      'build the service, drive it with load, sample its heap and goroutines, and judge the growth'
    )
    .option('--out <dir>', 'where report.json, report.md, raw profiles and logs go', '.memgate')
  for (const input of INPUTS.filter((i) => !i.actionOnly))
    run.addOption(new Option(`--${input.name} <value>`, input.description.replace(/`/g, '')))
  run.action(async (opts: Record<string, string>) => {
    const raw: RawInputs = {}
    for (const input of INPUTS.filter((i) => !i.actionOnly)) raw[input.name] = opts[camel(input.name)]
    const config = parseConfig(raw)
    const { report, reportJsonPath, reportMarkdownPath } = await runGate(config, {
      outDir: resolve(opts.out),
      repoRoot: process.cwd(),
      configRecord: describeConfig(raw),
      log,
      signal: controller.signal
    })
    process.stdout.write(renderTerminal(report) + '\n\n')
    process.stdout.write(`report: ${reportJsonPath}\n        ${reportMarkdownPath}\n`)
    exitCode = failsGate(report.verdict, config.failOn) ? 1 : 0
  })

  program
    .command('demo')
    .description('run a bundled leaking service and its clean twin, and print the report a PR would get')
    .option('--out <dir>', 'where the demo writes its reports', '.memgate/demo')
    .action(async (opts: { out: string }) => {
      exitCode = await runDemo({ outDir: resolve(opts.out), log, signal: controller.signal })
    })

  try {
    await program.parseAsync(argv)
  } catch (e) {
    exitCode = reportError(e)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    killAllGroups()
  }
  return controller.signal.aborted && exitCode !== 1 ? 130 : exitCode
}

/** One line for the user, exit code 2; details (compiler output, service log) beneath. */
function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0) return 0 // --help, --version
    process.stderr.write(`memgate: ${e.message.replace(/^error: /, '')} (see memgate run --help)\n`)
    return 2
  }
  if (e instanceof ConfigError || e instanceof GateError) {
    process.stderr.write(`memgate: ${e.message}\n`)
    if (e instanceof GateError && e.detail) process.stderr.write(indent(e.detail) + '\n')
    return 2
  }
  process.stderr.write(`memgate: internal error: ${(e as Error)?.stack ?? String(e)}\n`)
  return 2
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n')

process.exitCode = await main(process.argv)
