// The one pipeline behind the CLI and the action: measure, analyse, judge, report.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toRun } from '../analysis/run.js'
import { combine, judgeGrowth } from '../analysis/verdict.js'
import type { Config } from '../config.js'
import { renderMarkdown } from '../report/markdown.js'
import { buildReport } from '../report/report.js'
import type { Report } from '../report/types.js'
import { resolveModuleDir } from './build.js'
import { measure } from './measure.js'

export interface GateOptions {
  /** Where report.json, report.md, raw profiles and logs go. */
  outDir: string
  /** The repository root: working-directory is relative to it, annotations too. */
  repoRoot: string
  /** The resolved inputs as written, for report.json. */
  configRecord: Record<string, unknown>
  log: (line: string) => void
  signal?: AbortSignal
}

export interface GateResult {
  report: Report
  reportJsonPath: string
  reportMarkdownPath: string
}

export async function runGate(config: Config, options: GateOptions): Promise<GateResult> {
  mkdirSync(options.outDir, { recursive: true })
  const moduleDir = resolveModuleDir(options.repoRoot, config.workingDirectory)
  const head = await measure(
    config,
    { side: 'head', moduleDir },
    { outDir: options.outDir, label: 'head', log: options.log, signal: options.signal }
  )
  const headRun = toRun(head, config.warmupMs / 1000, config.durationMs / 1000)
  const { verdict, reasons } = combine([
    judgeGrowth('heap', headRun.trends.heap, config.maxHeapGrowthBytesPerSec),
    judgeGrowth('goroutines', headRun.trends.goroutines, config.maxGoroutineGrowthPerSec)
  ])
  const report = buildReport({
    name: config.name,
    verdict,
    reasons,
    notices: [],
    config: options.configRecord,
    head: headRun,
    createdAt: new Date()
  })
  return writeReport(report, options.outDir)
}

export function writeReport(report: Report, outDir: string): GateResult {
  const reportJsonPath = join(outDir, 'report.json')
  const reportMarkdownPath = join(outDir, 'report.md')
  writeFileSync(reportJsonPath, JSON.stringify(report, null, 2) + '\n')
  writeFileSync(reportMarkdownPath, renderMarkdown(report))
  return { report, reportJsonPath, reportMarkdownPath }
}
