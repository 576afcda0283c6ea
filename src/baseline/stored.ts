// `baseline: <report.json>`: the head run of a report stored earlier, as this run's base.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError } from '../config.js'
import type { Report, Run, StoredInputDiffers } from '../model.js'
import { parseReport } from '../report/report.js'
import { formatBytes } from '../units.js'

/** A report of another service cannot be a baseline: refused. */
const SAME_SERVICE = ['name', 'working-directory', 'package']
/** Inputs that change the growth rate itself: allowed to differ, but said. */
const SAME_LOAD = ['load-command', 'rate', 'connections', 'warmup', 'memprofilerate']

export interface StoredBaseline {
  run: Run
  /** Inputs that shape the load, set otherwise when the baseline was measured. */
  inputsDiffer: StoredInputDiffers[]
}

export function readStoredBaseline(path: string, config: Record<string, string>): StoredBaseline {
  const stored = readReportFile(resolve(path), 'baseline')
  const value = (record: Record<string, unknown>, key: string) => String(record[key] ?? '')
  for (const key of SAME_SERVICE) {
    const then = value(stored.config, key)
    const now = value(config, key)
    if (then !== now)
      throw new ConfigError(
        `baseline: ${path} measured another service (${key} "${then}", here "${now}"); use a report.json of this service, or baseline: merge-base`
      )
  }
  const inputsDiffer = SAME_LOAD.filter((key) => value(stored.config, key) !== value(config, key)).map(
    (input) => ({ path, input, then: value(stored.config, input), now: value(config, input) })
  )
  return { run: { ...stored.runs.head, side: 'base' }, inputsDiffer }
}

/** The most of a report.json that is read: a long run's report has a few MiB. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024

/** A report.json written earlier, checked; one-line errors name the input that gave its path. */
export function readReportFile(path: string, input: string): Report {
  let bytes: Buffer
  try {
    bytes = readCapped(path, MAX_REPORT_BYTES)
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${input}: ${path} ${e.message}`)
    throw new ConfigError(`${input}: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`)
  }
  return parseReport(bytes.toString('utf8'), path, input)
}

/** The file's bytes, refused (ConfigError, without the path) when it is not a file or holds more than `maxBytes`. */
function readCapped(path: string, maxBytes: number): Buffer {
  // Non-blocking: a FIFO would block the open until someone writes to it.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    if (!fstatSync(fd).isFile()) throw new ConfigError('is not a file; give the path of a report.json')
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null)
      if (n === 0) break
      length += n
    }
    if (length > maxBytes)
      throw new ConfigError(`is larger than ${formatBytes(maxBytes)}, the most a report.json may have`)
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}
