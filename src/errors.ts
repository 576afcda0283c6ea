/**
 * A failure the user can act on (build failure, crash, bad input): shown as one
 * line, never a stack trace, exit code 2. `detail` holds what the user needs to see
 * beneath it, such as compiler output or the service's last lines.
 */
export class GateError extends Error {
  constructor(
    message: string,
    readonly detail?: string
  ) {
    super(message)
  }
}
