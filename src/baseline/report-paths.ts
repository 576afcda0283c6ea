// `report-json` in comment mode: one path, or several (a line each, or globs) from a matrix
// of `analyze` jobs whose artifacts were downloaded side by side.
import { globSync, hasMagic } from 'glob'
import { resolve } from 'node:path'
import { ConfigError } from '../config.js'

/** One comment holds a row and a folded report a service: more would not be read. */
export const MAX_REPORTS = 32

/** The paths `report-json` names, each once, in the order given (a glob's matches sorted). */
export function reportPaths(spec: string, cwd: string): string[] {
  const entries = spec
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const paths: string[] = []
  for (const entry of entries) {
    if (!hasMagic(entry, { windowsPathsNoEscape: true })) {
      paths.push(resolve(cwd, entry))
      continue
    }
    const matches = globSync(entry, { cwd, absolute: true, nodir: true, windowsPathsNoEscape: true })
    if (matches.length === 0)
      throw new ConfigError(
        `report-json: no file matches ${entry} (in ${cwd}); did the analyze jobs' artifacts download there?`
      )
    paths.push(...matches.sort())
  }
  const unique = [...new Set(paths)]
  if (unique.length === 0)
    throw new ConfigError('report-json: mode "comment" needs the path of the report.json to post')
  if (unique.length > MAX_REPORTS)
    throw new ConfigError(
      `report-json: names ${unique.length} files; one comment shows at most ${MAX_REPORTS} services`
    )
  return unique
}

/** Whether `report-json` may name several reports: a glob, or more than one line. */
export function namesSeveral(spec: string): boolean {
  const entries = spec.split('\n').filter((line) => line.trim())
  return entries.length > 1 || entries.some((e) => hasMagic(e.trim(), { windowsPathsNoEscape: true }))
}
