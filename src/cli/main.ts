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
import { INPUTS } from '../inputs.js'
import { redactText, stripControl } from '../redact.js'
import { TOOL_VERSION } from '../report/report.js'
import { renderCalibration } from '../report/calibration.js'
import { renderTerminal } from '../report/terminal.js'
import { cliLog, type Writer } from './progress.js'

export type { Writer }

export interface CliIO {
  stdout: Writer
  stderr: Writer
  /** Stops the run; its reason, a signal name such as 'SIGTERM', gives the exit code 128 + n. */
  signal?: AbortSignal
  /** The environment, for the labels of an exported run (GITHUB_REPOSITORY and the like). */
  env?: Record<string, string | undefined>
}

const FLAG_INPUTS = INPUTS.filter((i) => !i.actionOnly)
/** Inputs of one value a line: each use of the flag adds a line. */
const REPEATABLE = new Set(['env'])

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
export async function main(argv: string[], io: CliIO): Promise<number> {
  const log = cliLog(io.stderr)
  const onAbort = () => log(`\nmemgate: ${signalName(io.signal?.reason)}: stopping the service and the load`)
  io.signal?.addEventListener('abort', onAbort, { once: true })
  let exitCode = 0

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

  const run = program
    .command('run')
    .description(
      'build the service, drive it with load, sample its heap and goroutines, and judge the growth'
    )
    .addOption(outOption('where report.json, report.md, raw profiles and logs go', '.memgate'))
    .addHelpText('after', HELP_AFTER)
  for (const input of FLAG_INPUTS) run.addOption(inputOption(input.name, input.description, input.default))
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
    exitCode = failsGate(report.verdict, config.failOn) ? 1 : 0
  })

  const calibrateCommand = program
    .command('calibrate')
    .description(
      'run the service against itself, pair after pair, and print how much two runs differ: the baseline-noise-floor to set'
    )
    .addOption(outOption('where calibration.json, raw profiles and logs go', '.memgate/calibrate'))
    .addOption(new Option('--pairs <n>', 'pairs of runs of the same build (2 or more)').default('5'))
  for (const input of FLAG_INPUTS)
    calibrateCommand.addOption(inputOption(input.name, input.description, input.default))
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

  const demo = program
    .command('demo')
    .description('run a bundled leaking service and its clean twin, and print the report a PR would get')
    .addOption(outOption('where the demo writes its reports', '.memgate/demo'))
    .action(async (opts: { out: string }) => {
      exitCode = await runDemo({ outDir: resolve(opts.out), log, stdout: io.stdout, signal: io.signal })
    })

  for (const command of [program, run, calibrateCommand, demo])
    command.exitOverride((e) => {
      throw e.exitCode === 0 || e.code === 'commander.help'
        ? e
        : new ArgumentError(argumentLine(e, command, argv))
    })

  try {
    await program.parseAsync(argv, { from: 'user' })
  } catch (e) {
    log.clear()
    exitCode = reportError(e, io.stderr)
  } finally {
    io.signal?.removeEventListener('abort', onAbort)
  }
  return io.signal?.aborted && exitCode !== 1
    ? 128 + constants.signals[signalName(io.signal.reason)]
    : exitCode
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
function inputOption(name: string, description: string, dflt: string): Option {
  const repeatable = REPEATABLE.has(name)
  const text = [
    description.replace(/`/g, ''),
    repeatable ? `Repeat the flag for more: --${name} A=1 --${name} B=2.` : '',
    dflt ? `(default: ${dflt})` : ''
  ]
  const option = new Option(`--${name} <value>`, text.filter(Boolean).join(' '))
  return repeatable
    ? option.argParser((value: string, previous: string | undefined) =>
        previous === undefined ? value : `${previous}\n${value}`
      )
    : option
}

/** A mistake in the arguments, as the one line that names the flag or word at fault. */
class ArgumentError extends Error {}

function argumentLine(e: CommanderError, command: Command, argv: string[]): string {
  const name = command.parent ? `memgate ${command.name()}` : 'memgate'
  const see = ` (see ${name} --help)`
  // Every flag of run and demo takes a value, so the words after the command pair up.
  const words = command.parent ? argv.slice(argv.indexOf(command.name()) + 1) : argv
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? ''
  const suggestion = /\(Did you mean (.+)\?\)/.exec(e.message)?.[1]
  const didYouMean = suggestion ? `; did you mean ${suggestion}?` : ''
  switch (e.code) {
    case 'commander.excessArguments': {
      const word = command.args[0]
      const flag = flagBefore(words, word)
      return flag
        ? `unexpected argument "${word}" after the value of ${flag}: quote values that contain spaces${see}`
        : `unexpected argument "${word}": ${name} takes flags only; quote values that contain spaces${see}`
    }
    case 'commander.unknownOption': {
      // `--load-command hey -z 10s`: a short flag after a value is most likely part of it.
      const flag = quoted.startsWith('--') ? undefined : flagBefore(words, quoted)
      return flag
        ? `unknown option ${quoted} after the value of ${flag}: quote values that contain spaces${see}`
        : `unknown option ${quoted}${didYouMean}${see}`
    }
    case 'commander.optionMissingArgument':
      return `${quoted.split(' ')[0]}: missing value${see}`
    case 'commander.unknownCommand': {
      const names = command.commands.map((c) => c.name())
      const commands =
        names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('')
      return `unknown command "${quoted}"${didYouMean || `; the commands are ${commands}`}${see}`
    }
    default:
      return e.message.replace(/^error: /, '') + see
  }
}

/** The flag whose value stands right before `word` in `words`, if any. */
function flagBefore(words: string[], word: string): string | undefined {
  let flag: string | undefined
  for (let i = 0; i < words.length; i++) {
    if (words[i] === word) return flag
    flag = undefined
    if (words[i].startsWith('--') && words[i] !== '--help') {
      flag = words[i].split('=')[0]
      if (!words[i].includes('=')) i++ // its value
    }
  }
  return undefined
}

/** One line for the user, exit code 2; details (compiler output, service log) beneath. */
function reportError(e: unknown, stderr: Writer): number {
  // --help and --version exit 0; a bare `memgate` has had the help written to stderr.
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
  if (e instanceof ArgumentError || e instanceof ConfigError || e instanceof GateError) {
    const message = e instanceof OutputError ? `--out: ${e.path} ${e.problem}` : e.message
    // A bad value is quoted back: it may hold a password. Service output may hold escapes.
    stderr.write(`memgate: ${safe(message)}\n`)
    if (e instanceof GateError && e.detail) stderr.write(indent(safe(e.detail)) + '\n')
    return 2
  }
  stderr.write(`memgate: internal error: ${(e as Error)?.stack ?? String(e)}\n`)
  return 2
}

const safe = (text: string) => stripControl(redactText(text))

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n')
