// Text memgate did not write (the service's and the load's output, a pprof endpoint's error
// page, strings from a profile) can hold workflow commands: a line `::set-output name=x::1`
// or `##[add-path]/tmp/evil` printed to the job log is executed by the runner. Wrapped in
// stop-commands, the runner executes none of them until it reads the one token that resumes.
import { randomBytes } from 'node:crypto'

/** A resume token nobody can guess from the text it wraps. */
export function stopCommandsToken(): string {
  return `memgate-${randomBytes(16).toString('hex')}`
}

/**
 * `text` as one string for core.info in which the runner executes no workflow command:
 * `::stop-commands::<token>`, the text, `::<token>::`. The token is new for each call.
 */
export function untrustedBlock(text: string, token = stopCommandsToken()): string {
  return `::stop-commands::${token}\n${text}\n::${token}::`
}
