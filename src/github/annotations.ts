// Annotations on the lines that leak, so the PR's diff shows them where they are.
import * as core from '@actions/core'
import type { Report } from '../model.js'
import { formatByteRate, formatCountRate } from '../units.js'

/** GitHub shows 10 annotations of each level per step; keep room for other steps' messages. */
const MAX_PER_KIND = 5

/**
 * Errors when the verdict fails, warnings when it is inconclusive, none when it
 * passes (growth within the limits is not worth a mark on the diff). Only sites
 * inside the repository get one: GitHub can place nothing else.
 * Returns how many were written.
 */
export function annotate(report: Report): number {
  if (report.verdict === 'pass') return 0
  const write = report.verdict === 'fail' ? core.error : core.warning
  const attribution = report.runs.head.attribution
  if (!attribution) return 0
  let count = 0

  // Goroutine records (kind) have no line to mark: the goroutine annotations mark their stack.
  const sites = attribution.heap.filter((s) => s.repoPath && !s.kind && !s.withinNoise && s.bytesPerSec > 0)
  for (const site of sites.slice(0, MAX_PER_KIND)) {
    write(`${site.function} allocates memory that stays live: ${formatByteRate(site.bytesPerSec)}.`, {
      title: `go-memgate (${report.name}): growing heap`,
      file: site.repoPath,
      startLine: site.line
    })
    count++
  }

  const stacks = attribution.goroutines.filter((s) => s.repoPath && (s.countGrowth > 0 || s.provenLeaked))
  for (const stack of stacks.slice(0, MAX_PER_KIND)) {
    const blocked = stack.waitReason ? `, blocked in ${stack.waitReason}` : ''
    const proof = stack.provenLeaked ? ' The runtime proved them leaked.' : ''
    write(
      `${stack.count} goroutines wait here${blocked}, growing ${formatCountRate(stack.perSec)}.${proof}`,
      {
        title: `go-memgate (${report.name}): growing goroutines`,
        file: stack.repoPath,
        startLine: stack.line
      }
    )
    count++
  }
  return count
}
