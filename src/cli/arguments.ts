// The command line's argument mistakes, found and worded here before commander parses:
// an unknown command or flag, a flag without its value, a word where a flag belongs.
// Pure: the words and the commands' flags in, one line for the user (or nothing) out.
import { didYouMean } from '../did-you-mean.js'

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
