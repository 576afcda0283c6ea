// The CLI's log: on a terminal, warm-up and sampling redraw one line (sample n/N, time
// left) and every other line prints above it; elsewhere (a file, CI) plain lines.
import type { Log, LogEvent } from '../model.js'
import { redactText } from '../redact.js'

/** Where the CLI writes: process.stdout and process.stderr are two. */
export interface Writer {
  write(text: string): unknown
  /** On a terminal, help wraps to its width and progress redraws one line. */
  isTTY?: boolean
  columns?: number
}

/**
 * `out` hiding secrets of known shapes in everything written: the net under every line the
 * CLI prints (progress, errors, the report, help), whatever a caller forgot.
 */
export function redacting(out: Writer): Writer {
  return {
    write: (text) => out.write(redactText(text)),
    get isTTY() {
      return out.isTTY
    },
    get columns() {
      return out.columns
    }
  }
}

/** A plain log shows the warm-up every few seconds, not every second. */
const PLAIN_WARM_UP_EVERY_SEC = 5

const CLEAR_LINE = '\r\x1b[K'

/** A log that can clear what progress it left on the terminal, before an error line. */
export type CliLog = Log & { clear(): void }

export function cliLog(out: Writer): CliLog {
  if (!out.isTTY) {
    const plain: Log = (line, event) => {
      if (event?.kind !== 'warm-up' || event.elapsedSec % PLAIN_WARM_UP_EVERY_SEC === 0)
        out.write(line + '\n')
    }
    return Object.assign(plain, { clear: () => {} })
  }
  let progress = false
  const clear = () => {
    if (progress) out.write(CLEAR_LINE)
    progress = false
  }
  const tty: Log = (line: string, event?: LogEvent) => {
    clear()
    progress = event?.kind === 'warm-up' || event?.kind === 'sample'
    // Kept to the width: a line that wraps cannot be redrawn in place.
    if (progress) out.write(line.trim().slice(0, (out.columns || 80) - 1))
    else out.write(line + '\n')
  }
  return Object.assign(tty, { clear })
}
