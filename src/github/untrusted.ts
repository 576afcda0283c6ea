// Text memgate did not write (the service's and the load's output, a pprof endpoint's error
// page, strings from a profile) can hold workflow commands: a line `::set-output name=x::1`
// or `##[add-path]/tmp/evil` printed to the job log is executed by the runner. Wrapped in
// stop-commands, the runner executes none of them until it reads the one token that resumes.
// Terminal escapes go too: the log viewer would draw them.
import { randomBytes } from 'node:crypto'
import { stripControl } from '../redact.js'

/** A resume token nobody can guess from the text it wraps. */
export function stopCommandsToken(): string {
  return `memgate-${randomBytes(16).toString('hex')}`
}

/**
 * `text` as one string for core.info in which the runner executes no workflow command:
 * `::stop-commands::<token>`, the text without escapes, `::<token>::`. The token is new for each call.
 */
export function untrustedBlock(text: string, token = stopCommandsToken()): string {
  return `::stop-commands::${token}\n${stripControl(text)}\n::${token}::`
}

// What the runner reads as a command: `::` at the start of a line, `##[` anywhere in one.
const COMMAND_LIKE = /^[ \t]*::|##\[/m

/**
 * A log line for core.info that may quote others' text: as it is, without escapes, when the
 * runner can read no command in it; else in a stop-commands block. Plain lines stay plain.
 */
export function logText(text: string): string {
  const shown = stripControl(text)
  return COMMAND_LIKE.test(shown) ? untrustedBlock(shown) : shown
}
