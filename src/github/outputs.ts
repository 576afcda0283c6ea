// The action's outputs, named as in OUTPUTS (src/inputs.ts).
import * as core from '@actions/core'
import type { Report } from '../model.js'

export interface OutputPaths {
  reportJson: string
  reportMarkdown: string
}

export function setOutputs(report: Report, paths: OutputPaths, commentUrl: string | undefined): void {
  const { heap, goroutines } = report.runs.head.trends
  core.setOutput('verdict', report.verdict)
  // Empty when the series could not be fitted, so a workflow can tell "none" from 0.
  core.setOutput('heap-slope', heap ? String(heap.slopePerSec) : '')
  core.setOutput('goroutine-slope', goroutines ? String(goroutines.slopePerSec) : '')
  core.setOutput('report-json', paths.reportJson)
  core.setOutput('report-markdown', paths.reportMarkdown)
  core.setOutput('comment-url', commentUrl ?? '')
}
