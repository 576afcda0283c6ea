// The job summary: always written, the one place a fork's read-only run shows the report.
import * as core from '@actions/core'

/** GitHub takes at most 1 MiB of summary per step; characters may take several bytes. */
const SUMMARY_MAX_CHARS = 256 * 1024

/** `render` lays the report (or reports) out within the summary's budget. */
export async function writeSummary(render: (maxChars: number) => string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.info('No GITHUB_STEP_SUMMARY file (not on a runner): job summary skipped')
    return
  }
  await core.summary.addRaw(render(SUMMARY_MAX_CHARS), true).write()
}
