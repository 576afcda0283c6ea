// Assembles report.json from runs and judgements; reads and checks a stored one.
import { readFileSync } from 'node:fs'
import { ConfigError } from '../config.js'
import type { Report, Run, Verdict } from './types.js'

export const TOOL_VERSION = '0.1.0'

export interface ReportParts {
  name: string
  verdict: Verdict
  reasons: string[]
  notices: string[]
  config: Record<string, unknown>
  head: Run
  base?: Run
  comparison?: Report['comparison']
  createdAt: Date
}

export function buildReport(p: ReportParts): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'go-memgate', version: TOOL_VERSION },
    name: p.name,
    verdict: p.verdict,
    reasons: p.reasons,
    notices: p.notices,
    config: p.config,
    runs: p.base ? { head: p.head, base: p.base } : { head: p.head },
    ...(p.comparison ? { comparison: p.comparison } : {}),
    createdAt: p.createdAt.toISOString()
  }
}

/** Reads a report.json written earlier; refuses another schema or tool with a one-line reason. */
export function readReport(path: string, input: string): Report {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new ConfigError(`${input}: cannot read ${path}: ${(e as Error).message.split('\n')[0]}`)
  }
  const r = parsed as Partial<Report>
  if (r?.tool?.name !== 'go-memgate')
    throw new ConfigError(`${input}: ${path} is not a go-memgate report.json`)
  if (r.schemaVersion !== 1)
    throw new ConfigError(
      `${input}: ${path} has schemaVersion ${String(r.schemaVersion)}; this go-memgate reads schemaVersion 1`
    )
  // In the fork-safe comment mode the file comes from untrusted code: check its shape.
  const verdicts = ['pass', 'fail', 'inconclusive']
  if (
    !verdicts.includes(r.verdict as string) ||
    !Array.isArray(r.reasons) ||
    !Array.isArray(r.notices) ||
    !Array.isArray(r.runs?.head?.samples) ||
    typeof r.runs?.head?.trends !== 'object'
  )
    throw new ConfigError(
      `${input}: ${path} is not a complete go-memgate report (verdict, reasons, runs.head)`
    )
  return r as Report
}
