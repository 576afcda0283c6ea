import type { Log } from '../model.js'

/** What every stage of a run shares, given once: where it logs, what it hides, when to stop. */
export interface RunContext {
  /** Hides secrets in every line (the gate's withRedactor makes it so): a stage logs commands and URLs as they are. */
  log: Log
  /** Hides secrets in what the build, the service and the load print, and in errors. */
  redact: (text: string) => string
  /** Cancellation (Ctrl-C, a cancelled job): every stage checks it. */
  signal?: AbortSignal
}
