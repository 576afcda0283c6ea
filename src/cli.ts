// The memgate command: wires the process (signals, streams, exit code) to main().
import { main } from './cli/main.js'
import { killAllGroups } from './engine/processes.js'

const controller = new AbortController()
// The signal's name is the abort reason: it decides the exit code, 130 or 143.
const stop = (signal: NodeJS.Signals) => controller.abort(signal)
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
try {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal
  })
} finally {
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  killAllGroups()
}
