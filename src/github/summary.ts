// The job summary: always written, the one place a fork's read-only run shows the report.
import * as core from '@actions/core'
import { renderMarkdown } from '../report/markdown.js'
import type { Report } from '../model.js'
import type { Trusted } from '../report/view.js'

/** GitHub takes at most 1 MiB of summary per step; characters may take several bytes. */
const SUMMARY_MAX_CHARS = 256 * 1024

/** `trusted` in comment mode, where the report is a fork's (present.ts). */
export async function writeSummary(report: Report, trusted?: Trusted): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No GITHUB_STEP_SUMMARY file (not on a runner): job summary skipped')
    return
  }
  await core.summary.addRaw(renderMarkdown(report, { maxChars: SUMMARY_MAX_CHARS, trusted }), true).write()
}
