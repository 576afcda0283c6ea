// memgate's command line as a function over writers: `memgate run [flags]` gates one
// service, `memgate calibrate` measures how much its runs differ, `memgate demo` runs a
// bundled leaking service against its clean twin.
// The process itself (signals, streams, exit code) belongs to the entry, src/cli.ts.
import { Command, CommanderError, Option } from 'commander'
import { constants } from 'node:os'
import { resolve } from 'node:path'
import { failsGate } from '../analysis/verdict.js'
import { ConfigError, describeConfig, parseConfig, type RawInputs } from '../config.js'
import { runDemo } from '../demo.js'
import { calibrate } from '../gate/calibrate.js'
import { runGate } from '../gate/gate.js'
import { GateError, OutputError } from '../errors.js'
import { INPUTS, type Input } from '../inputs.js'
import { stripControl } from '../redact.js'
import { TOOL_VERSION } from '../report/report.js'
import { renderCalibration } from '../report/calibration.js'
import { renderTerminal } from '../report/terminal.js'
import { argumentMistake, type CommandFlags } from './arguments.js'
import { cliLog, redacting, type Writer } from './progress.js'

export interface CliIO {
  stdout: Writer
  stderr: Writer
  /** Stops the run; its reason, a signal name such as 'SIGTERM', gives the exit code 128 + n. */
  signal?: AbortSignal
  /** The environment, for the labels of an exported run (GITHUB_REPOSITORY and the like). */
  env?: Record<string, string | undefined>
}

const FLAG_INPUTS = INPUTS.filter((i) => !i.actionOnly)

const HELP_AFTER = `
Examples:
  memgate run --working-directory ./service --env PORT=8080 --env PPROF_ADDR=127.0.0.1:6060 \\
    --target-url http://127.0.0.1:8080/orders
  memgate run --baseline merge-base --max-heap-growth 1MiB/min \\
    --load-command 'hey -z "\${MEMGATE_DURATION}s" -c 4 -q 50 "$MEMGATE_TARGET_URL"'

Exit codes:
  0    pass, or a verdict --fail-on lets through
  1    the gate fails: a fail, or an inconclusive with --fail-on inconclusive
  2    bad input, or the service could not be built, started or measured
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM
`

/**
 * Runs memgate on `argv`, the user's arguments (no node, no script), and resolves to
 * the exit code: 0 pass, 1 fail, 2 error, 128 + n when stopped by signal n.
 */
export async function main(argv: string[], given: CliIO): Promise<number> {
  const io = { ...given, stdout: redacting(given.stdout), stderr: redacting(given.stderr) }
  const log = cliLog(io.stderr)
  const onAbort = () => log(`\nmemgate: ${signalName(io.signal?.reason)}: stopping the service and the load`)
  io.signal?.addEventListener('abort', onAbort, { once: true })
  const outcome = { exitCode: 0 }
  const program = memgateProgram({ io, log, outcome })
  try {
    const mistake = argumentMistake(argv, flagsOf(program), program.commands.map(flagsOf))
    if (mistake) throw new ArgumentError(mistake)
    await program.parseAsync(argv, { from: 'user' })
  } catch (e) {
    log.clear()
    outcome.exitCode = reportError(e, io.stderr)
  } finally {
    io.signal?.removeEventListener('abort', onAbort)
  }
  return io.signal?.aborted && outcome.exitCode !== 1
    ? 128 + constants.signals[signalName(io.signal.reason)]
    : outcome.exitCode
}

/** What a command's action needs: the writers, the progress log, and where its exit code goes. */
interface CommandContext {
  io: CliIO
  log: ReturnType<typeof cliLog>
  outcome: { exitCode: number }
}

/** memgate and its commands; argument mistakes are found before it parses (arguments.ts). */
function memgateProgram(context: CommandContext): Command {
  const { io } = context
  const program = new Command('memgate')
    .version(TOOL_VERSION)
    .description('Keeps memory leaks in Go services out of the main branch.')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {}, // reportError writes the one line
      getOutHelpWidth: () => (io.stdout.isTTY && io.stdout.columns) || 80,
      getErrHelpWidth: () => (io.stderr.isTTY && io.stderr.columns) || 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false
    })
    .addHelpText('after', HELP_AFTER)
  addRun(program, context)
  addCalibrate(program, context)
  addDemo(program, context)
  for (const command of [program, ...program.commands])
    command.exitOverride((e) => {
      // Help and version; a mistake argumentMistake missed is still one line of ours.
      throw e.exitCode === 0 || e.code === 'commander.help'
        ? e
        : new ArgumentError(`could not read the arguments (${e.code}) (see ${commandName(command)} --help)`)
    })
  return program
}

function addRun(program: Command, { io, log, outcome }: CommandContext): void {
  const run = program
    .command('run')
    .description(
      'build the service, drive it with load, sample its heap and goroutines, and judge the growth'
    )
    .addOption(outOption('where report.json, report.md, raw profiles and logs go', '.memgate'))
    .addHelpText('after', HELP_AFTER)
  for (const input of FLAG_INPUTS) run.addOption(inputOption(input))
  run.action(async (opts: Record<string, string>) => {
    const raw = rawInputs(opts)
    const config = parseConfig(raw)
    const { report, reportJsonPath, reportMarkdownPath } = await runGate(config, {
      outDir: resolve(opts.out),
      repoRoot: process.cwd(),
      configRecord: describeConfig(raw),
      log,
      env: io.env,
      signal: io.signal
    })
    log.clear()
    io.stdout.write(renderTerminal(report) + '\n\n')
    io.stdout.write(`report: ${reportJsonPath}\n        ${reportMarkdownPath}\n`)
    outcome.exitCode = failsGate(report.verdict, config.failOn) ? 1 : 0
  })
}

function addCalibrate(program: Command, { io, log }: CommandContext): void {
  const calibrateCommand = program
    .command('calibrate')
    .description(
      'run the service against itself, pair after pair, and print how much two runs differ: the baseline-noise-floor to set'
    )
    .addOption(outOption('where calibration.json, raw profiles and logs go', '.memgate/calibrate'))
    .addOption(new Option('--pairs <n>', 'pairs of runs of the same build (2 or more)').default('5'))
  for (const input of FLAG_INPUTS) calibrateCommand.addOption(inputOption(input))
  calibrateCommand.action(async (opts: Record<string, string>) => {
    const pairs = Number(opts.pairs)
    if (!/^\d+$/.test(opts.pairs) || pairs < 2)
      throw new ConfigError(`pairs: expected a whole number of 2 or more, got "${opts.pairs}"`)
    const config = parseConfig(rawInputs(opts))
    const { calibration, calibrationJsonPath } = await calibrate(config, {
      outDir: resolve(opts.out),
      repoRoot: process.cwd(),
      pairs,
      log,
      signal: io.signal
    })
    log.clear()
    io.stdout.write(renderCalibration(calibration) + '\n\n')
    io.stdout.write(`calibration: ${calibrationJsonPath}\n`)
  })
}

function addDemo(program: Command, { io, log, outcome }: CommandContext): void {
  program
    .command('demo')
    .description('run a bundled leaking service and its clean twin, and print the report a PR would get')
    .addOption(outOption('where the demo writes its reports', '.memgate/demo'))
    .action(async (opts: { out: string }) => {
      outcome.exitCode = await runDemo({
        outDir: resolve(opts.out),
        log,
        stdout: io.stdout,
        signal: io.signal
      })
    })
}

const commandName = (command: Command) => (command.parent ? `memgate ${command.name()}` : 'memgate')

/** A command's flags as arguments.ts reads them: every spelling, and whether it takes a value. */
function flagsOf(command: Command): CommandFlags {
  const flags: CommandFlags['flags'] = {}
  for (const option of command.options)
    for (const spelling of [option.long, option.short])
      if (spelling) flags[spelling] = { takesValue: option.required }
  return { name: command.name(), flags }
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** The inputs given as flags, by input name. */
function rawInputs(opts: Record<string, string>): RawInputs {
  return Object.fromEntries(FLAG_INPUTS.map((input) => [input.name, opts[camel(input.name)]]))
}

/** The signal that stopped the run; SIGINT when it was stopped for another reason. */
const signalName = (reason: unknown): NodeJS.Signals =>
  typeof reason === 'string' && reason in constants.signals ? (reason as NodeJS.Signals) : 'SIGINT'

const outOption = (description: string, dir: string) =>
  new Option('--out <dir>', description).default(dir, dir)

/**
 * A flag for an input. It has no default of its own, so parseConfig sees only what
 * the user wrote; help shows the input's default.
 */
function inputOption(input: Input): Option {
  const text = [
    input.description.replace(/`/g, ''),
    input.repeatable ? `Repeat the flag for more: --${input.name} A=1 --${input.name} B=2.` : '',
    input.default ? `(default: ${input.default})` : ''
  ]
  const option = new Option(`--${input.name} <value>`, text.filter(Boolean).join(' '))
  return input.repeatable
    ? option.argParser((value: string, previous: string | undefined) =>
        previous === undefined ? value : `${previous}\n${value}`
      )
    : option
}

/** A mistake in the arguments, as the one line that names the flag or word at fault. */
class ArgumentError extends Error {}

/** One line for the user, exit code 2; details (compiler output, service log) beneath. */
function reportError(e: unknown, stderr: Writer): number {
  // --help and --version exit 0; a bare `memgate` has had the help written to stderr.
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
  if (e instanceof ArgumentError || e instanceof ConfigError || e instanceof GateError) {
    const message = e instanceof OutputError ? `--out: ${e.path} ${e.problem}` : e.message
    // Service output may hold escapes; the writer hides a password a bad value quoted back holds.
    stderr.write(`memgate: ${stripControl(message)}\n`)
    if (e instanceof GateError && e.detail) stderr.write(indent(stripControl(e.detail)) + '\n')
    return 2
  }
  stderr.write(`memgate: internal error: ${(e as Error)?.stack ?? String(e)}\n`)
  return 2
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n')
