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

/**
 * The output folder, or a file in it, cannot be written: the user's to fix, not the
 * service's or pprof's. Each front end names the folder in its own words (`--out` in the CLI).
 */
export class OutputError extends GateError {
  constructor(
    readonly path: string,
    readonly problem: string
  ) {
    super(`output folder: ${path} ${problem}`)
  }
}
