// The command line in-process: main() over in-memory writers, its exact lines and exit codes.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVICES } from '../../test/fixtures/services.js'
import { INPUTS } from '../inputs.js'
import { TOOL_VERSION } from '../report/report.js'
import { main } from './main.js'

/** A writer that keeps what it is given, and can act on it as it arrives. */
function memoryWriter(onText: (all: string) => void = () => {}) {
  const writer = {
    text: '',
    write(chunk: string) {
      writer.text += chunk
      onText(writer.text)
      return true
    }
  }
  return writer
}

async function memgate(argv: string[], signal?: AbortSignal, onStderr?: (all: string) => void) {
  const stdout = memoryWriter()
  const stderr = memoryWriter(onStderr)
  const code = await main(argv, { stdout, stderr, signal })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('memgate help', () => {
  it('shows the default of every flag that has one, beside the flag', async () => {
    const { code, stdout } = await memgate(['run', '--help'])
    expect(code).toBe(0)
    // One entry per flag: its first line starts with "  --", its description wraps beneath.
    const entries = stdout.split(/\n(?= {2}-)/).map((e) => e.replace(/\s+/g, ' ').trim())
    expect(entries.find((e) => e.startsWith('--out <dir>'))).toMatch(/\(default: \.memgate\)$/)
    const withDefault = INPUTS.filter((i) => !i.actionOnly && i.default)
    expect(withDefault.length).toBeGreaterThan(15)
    for (const input of withDefault)
      expect(entries.find((e) => e.startsWith(`--${input.name} <value>`))).toContain(
        `(default: ${input.default})`
      )
  })

  it('has a flag for every input of the table but the action-only ones, and --out', async () => {
    for (const command of ['run', 'calibrate']) {
      const { stdout } = await memgate([command, '--help'])
      const flags = [...stdout.matchAll(/^ {2}(--[a-z-]+) </gm)].map((m) => m[1])
      const inputs = INPUTS.filter((i) => !i.actionOnly).map((i) => `--${i.name}`)
      expect(flags.sort()).toEqual(
        [...inputs, '--out', ...(command === 'calibrate' ? ['--pairs'] : [])].sort()
      )
    }
  })

  it('ends with two examples and the exit codes', async () => {
    const { stdout } = await memgate(['run', '--help'])
    const after = stdout.slice(stdout.indexOf('\nExamples:\n'))
    expect(after.match(/^ {2}memgate run /gm)).toHaveLength(2)
    expect(after).toContain(
      [
        'Exit codes:',
        '  0    pass, or a verdict --fail-on lets through',
        '  1    the gate fails: a fail, or an inconclusive with --fail-on inconclusive',
        '  2    bad input, or the service could not be built, started or measured',
        '  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM'
      ].join('\n')
    )
  })

  it('prints the help on stderr for a bare memgate, and exits 2', async () => {
    const { code, stdout, stderr } = await memgate([])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.split('\n')[0]).toBe('Usage: memgate [options] [command]')
    expect(stderr).toContain('\nExit codes:\n')
    expect(stderr).not.toMatch(/^memgate:|outputHelp/m)
  })

  it('prints the version', async () => {
    expect(await memgate(['--version'])).toEqual({ code: 0, stdout: `${TOOL_VERSION}\n`, stderr: '' })
  })
})

describe('memgate with bad arguments', () => {
  it.each([
    [
      ['run', '--working-directory', 'my', 'service'],
      'memgate: unexpected argument "service" after the value of --working-directory: quote values that contain spaces (see memgate run --help)'
    ],
    [
      ['run', '--env=A=1', 'B=2'],
      'memgate: unexpected argument "B=2" after the value of --env: quote values that contain spaces (see memgate run --help)'
    ],
    [
      ['run', 'fast'],
      'memgate: unexpected argument "fast": memgate run takes flags only; quote values that contain spaces (see memgate run --help)'
    ],
    [
      ['demo', 'now'],
      'memgate: unexpected argument "now": memgate demo takes flags only; quote values that contain spaces (see memgate demo --help)'
    ],
    [
      ['run', '--load-command', 'hey', '-z', '10s'],
      'memgate: unknown option -z after the value of --load-command: quote values that contain spaces (see memgate run --help)'
    ],
    [['run', '--rate'], 'memgate: --rate: missing value (see memgate run --help)'],
    [['run', '--bogus', '1'], 'memgate: unknown option --bogus (see memgate run --help)'],
    [
      ['run', '--duration', '5s', '--durration', '1s'],
      'memgate: unknown option --durration; did you mean --duration? (see memgate run --help)'
    ],
    [['--bogus'], 'memgate: unknown option --bogus (see memgate --help)'],
    [
      ['bogus'],
      'memgate: unknown command "bogus"; the commands are run, calibrate and demo (see memgate --help)'
    ],
    [['rnu'], 'memgate: unknown command "rnu"; did you mean run? (see memgate --help)'],
    [
      ['run', '--duration', 'soon'],
      'memgate: duration: expected a duration such as 30s, 2m or 1m30s, got "soon"'
    ]
  ])('%j: one line naming the flag or word, exit 2', async (argv, line) => {
    const { code, stdout, stderr } = await memgate(argv)
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: line + '\n' })
  })

  it('keeps every --env, one line each: a bad first one is found, then a bad second one', async () => {
    const line = (value: string) => `memgate: env: expected NAME=value on each line, got "${value}"\n`
    expect((await memgate(['run', '--env', 'NOEQUALS', '--env', 'B=2'])).stderr).toBe(line('NOEQUALS'))
    expect((await memgate(['run', '--env', 'A=1', '--env', 'B 2'])).stderr).toBe(line('B 2'))
  })
})

describe('memgate stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ])('says so and exits 128 + n on %s', async (name, exitCode) => {
    const controller = new AbortController()
    const out = mkdtempSync(join(tmpdir(), 'memgate-main-'))
    const { code, stderr } = await memgate(
      ['run', '--working-directory', `${SERVICES}clean`, '--out', out],
      controller.signal,
      (all) => {
        if (all.includes('head: building')) controller.abort(name)
      }
    )
    expect(code).toBe(exitCode)
    expect(stderr).toContain(`\nmemgate: ${name}: stopping the service and the load\n`)
  })
})
