// The command line's argument mistakes, found and worded here before commander parses:
// an unknown command or flag, a flag without its value, a word where a flag belongs.
// Pure: the words and the commands' flags in, one line for the user (or nothing) out.

/** A command and its flags: each flag's spellings (--out, -h) and whether it takes a value. */
export interface CommandFlags {
  name: string
  flags: Record<string, { takesValue: boolean }>
}

/** Help is shown wherever it is asked for, as commander does; `help` is its command. */
const HELP = ['--help', '-h']
const HELP_COMMAND = 'help'

/**
 * The first mistake in `argv` (the user's words, no node, no script) as one line that names
 * the flag or word at fault and where to read more, or undefined when there is none.
 */
export function argumentMistake(
  argv: string[],
  program: CommandFlags,
  commands: CommandFlags[]
): string | undefined {
  const [first, ...rest] = argv
  if (first === undefined || HELP.includes(first) || first === HELP_COMMAND) return undefined
  const see = ' (see memgate --help)'
  if (first.startsWith('-'))
    return first in program.flags
      ? undefined
      : `unknown option ${first}${didYouMean(first, Object.keys(program.flags))}${see}`
  const command = commands.find((c) => c.name === first)
  if (command) return flagMistake(rest, command)
  const names = commands.map((c) => c.name)
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names.join('')
  return `unknown command "${first}"${didYouMean(first, names) || `; the commands are ${list}`}${see}`
}

/** The first mistake in the words after a command; none when help is asked for anywhere. */
function flagMistake(words: string[], command: CommandFlags): string | undefined {
  const name = `memgate ${command.name}`
  const see = ` (see ${name} --help)`
  const quote = 'quote values that contain spaces'
  let mistake: string | undefined
  const note = (line: string) => (mistake ??= line + see)
  let valueOf: string | undefined // the flag whose value the last word was
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    const after = valueOf
    valueOf = undefined
    if (HELP.includes(word)) return undefined
    if (word === '--' || !word.startsWith('-') || word === '-') {
      // After `--` every word is an argument, and the commands take none.
      const argument = word === '--' ? words[i + 1] : word
      if (argument !== undefined)
        note(
          after && word !== '--'
            ? `unexpected argument "${argument}" after the value of ${after}: ${quote}`
            : `unexpected argument "${argument}": ${name} takes flags only; ${quote}`
        )
      continue
    }
    const [flag] = word.split('=', 1)
    const known = command.flags[flag]
    if (!known) {
      // `--load-command hey -z 10s`: a short flag after a value is most likely part of it.
      note(
        after && !flag.startsWith('--')
          ? `unknown option ${flag} after the value of ${after}: ${quote}`
          : `unknown option ${flag}${didYouMean(flag, Object.keys(command.flags))}`
      )
      continue
    }
    if (!known.takesValue || word.includes('=')) {
      valueOf = known.takesValue ? flag : undefined
      continue
    }
    if (i + 1 === words.length) note(`${flag}: missing value`)
    i++
    valueOf = flag
  }
  return mistake
}

/** "; did you mean X?" for the one candidate closest to `word`, when one is close enough. */
function didYouMean(word: string, candidates: string[]): string {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    if (candidate.length <= 2) continue // -h, -V: too short to be a typo of anything
    const distance = editDistance(word, candidate)
    // Close: at most two edits, and more of the word kept than changed (as commander's).
    const kept = 1 - distance / Math.max(word.length, candidate.length)
    if (distance <= 2 && kept > 0.4 && distance < (best?.distance ?? Infinity)) best = { candidate, distance }
  }
  return best ? `; did you mean ${best.candidate}?` : ''
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const replace = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + replace)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[a.length][b.length]
}
