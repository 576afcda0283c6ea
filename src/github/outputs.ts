// The action's outputs, named as in OUTPUTS (src/inputs.ts).
import * as core from '@actions/core'
import type { ReportView } from '../report/view.js'

export interface OutputPaths {
  /** Newline-separated when several reports were posted. */
  reportJson: string
  reportMarkdown: string
}

/**
 * In `mode: comment` the report comes from untrusted code, and a workflow may put outputs
 * into a shell: only known words and finite numbers pass. With several services, the
 * worst verdict and the fastest growth.
 */
export function setOutputs(
  { verdict, outputs }: Pick<ReportView, 'verdict' | 'outputs'>,
  paths: OutputPaths,
  commentUrl: string | undefined
): void {
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
