// The action's outputs, named as in OUTPUTS (src/inputs.ts).
import * as core from '@actions/core'
import type { Report } from '../model.js'
import { present } from '../report/present.js'

export interface OutputPaths {
  reportJson: string
  reportMarkdown: string
}

/**
 * In `mode: comment` the report comes from untrusted code, and a workflow may put outputs
 * into a shell: only known words and finite numbers pass.
 */
export function setOutputs(report: Report, paths: OutputPaths, commentUrl: string | undefined): void {
  const { verdict, outputs } = present(report)
  const verdicts: unknown[] = ['pass', 'fail', 'inconclusive']
  core.setOutput('verdict', verdicts.includes(verdict) ? verdict : '')
  // Empty when the series could not be fitted, so a workflow can tell "none" from 0.
  core.setOutput('heap-slope', finite(outputs.heapSlopePerSec))
  core.setOutput('goroutine-slope', finite(outputs.goroutineSlopePerSec))
  core.setOutput('report-json', paths.reportJson)
  core.setOutput('report-markdown', paths.reportMarkdown)
  core.setOutput('comment-url', commentUrl ?? '')
}

const finite = (value: unknown): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : ''
