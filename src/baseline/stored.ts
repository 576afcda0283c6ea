// `baseline: <report.json>`: the head run of a report stored earlier, as this run's base.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError } from '../config.js'
import type { Report } from '../model.js'
import { parseReport } from '../report/report.js'
import type { Run } from '../model.js'

/** A report of another service cannot be a baseline: refused. */
const SAME_SERVICE = ['name', 'working-directory', 'package']
/** Inputs that change the growth rate itself: allowed to differ, but said. */
const SAME_LOAD = ['load-command', 'rate', 'connections', 'warmup', 'memprofilerate']

export interface StoredBaseline {
  run: Run
  notices: string[]
}

export function readStoredBaseline(path: string, config: Record<string, unknown>): StoredBaseline {
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
  const notices = SAME_LOAD.filter((key) => value(stored.config, key) !== value(config, key)).map(
    (key) =>
      `the baseline ${path} was measured with ${key} "${value(stored.config, key)}", this run with "${value(config, key)}": part of the difference may come from that alone`
  )
  return { run: { ...stored.runs.head, side: 'base' }, notices }
}

/** A report.json written earlier, checked; one-line errors name the input that gave its path. */
export function readReportFile(path: string, input: string): Report {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`${input}: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`)
  }
  return parseReport(text, path, input)
}
