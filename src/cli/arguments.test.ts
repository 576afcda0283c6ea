// Argument mistakes are found and worded by our code, from the commands' flags alone.
import { argumentMistake, type CommandFlags } from './arguments.js'

const value = { takesValue: true }
const program: CommandFlags = {
  name: 'memgate',
  flags: { '--version': { takesValue: false }, '-V': { takesValue: false } }
}
const commands: CommandFlags[] = [
  { name: 'run', flags: { '--out': value, '--duration': value, '--load-command': value } },
  { name: 'demo', flags: { '--out': value } }
]
const mistake = (...argv: string[]) => argumentMistake(argv, program, commands)

describe('argumentMistake', () => {
  it('finds none in flags with their values, nor where help or the version is asked for', () => {
    expect(mistake('run', '--duration', '30s', '--out=x')).toBeUndefined()
    // A flag's value may start with "-": it is the value all the same.
    expect(mistake('run', '--load-command', '-x')).toBeUndefined()
    expect(mistake('run', 'fast', '--help')).toBeUndefined()
    expect(mistake('help', 'run')).toBeUndefined()
    expect(mistake('-V')).toBeUndefined()
    expect(mistake()).toBeUndefined()
  })

  it('names an unknown flag, and the known one it looks like', () => {
    expect(mistake('run', '--colour', 'red')).toBe('unknown option --colour (see memgate run --help)')
    expect(mistake('run', '--duratoin=5s')).toBe(
      'unknown option --duratoin; did you mean --duration? (see memgate run --help)'
    )
    expect(mistake('--verison')).toBe(
      'unknown option --verison; did you mean --version? (see memgate --help)'
    )
  })

  it('names a flag left without its value', () => {
    expect(mistake('run', '--duration', '30s', '--out')).toBe('--out: missing value (see memgate run --help)')
  })

  it('names an unknown command, and the commands there are', () => {
    expect(mistake('bogus')).toBe(
      'unknown command "bogus"; the commands are run and demo (see memgate --help)'
    )
    expect(mistake('dmeo')).toBe('unknown command "dmeo"; did you mean demo? (see memgate --help)')
  })

  it('names a word where a flag belongs, and the flag whose value it follows', () => {
    expect(mistake('demo', '--out', 'my', 'reports')).toBe(
      'unexpected argument "reports" after the value of --out: quote values that contain spaces (see memgate demo --help)'
    )
    expect(mistake('run', '--', 'x')).toBe(
      'unexpected argument "x": memgate run takes flags only; quote values that contain spaces (see memgate run --help)'
    )
  })

  it('gives the first mistake only', () => {
    expect(mistake('run', '--colour', 'red', '--out')).toBe(
      'unknown option --colour (see memgate run --help)'
    )
  })
})
