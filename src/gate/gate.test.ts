// The orchestrator with fakes of the measuring and of git: what it measures and what the
// report it writes holds, without a process.
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../config.js'
import type { Run } from '../model.js'
import { passReport } from '../../test/fixtures/reports.js'
import { runGate } from './gate.js'
import type { SidesSeams } from './sides.js'

function gateWith(raw: RawInputs) {
  const repoRoot = mkdtempSync(join(tmpdir(), 'memgate-gate-repo-'))
  const tree = mkdtempSync(join(tmpdir(), 'memgate-gate-tree-'))
  const outDir = join(mkdtempSync(join(tmpdir(), 'memgate-gate-out-')), 'out')
  const measured: string[] = []
  const seams: SidesSeams = {
    measureOnce: async (side, label) => {
      measured.push(label)
      const run: Run = { ...passReport().runs.head, side: side.side, profilesDir: `profiles/${label}` }
      return { ...run, commit: side.commit ?? 'c'.repeat(40) }
    },
    repoRootOf: async (dir) => dir,
    findMergeBase: async () => ({
      root: repoRoot,
      headCommit: 'h'.repeat(40),
      baseRef: 'origin/main',
      commit: 'b'.repeat(40)
    }),
    withWorktree: async (_root, _commit, _log, use) => use(tree)
  }
  const run = () =>
    runGate(parseConfig(raw), {
      outDir,
      repoRoot,
      configRecord: describeConfig(raw),
      log: () => {},
      repositoryUrl: 'https://github.com/acme/shop',
      seams
    })
  return { run, measured, outDir }
}

describe('runGate', () => {
  it('measures base and head from the merge-base and writes the report with both and their comparison', async () => {
    const gate = gateWith({ baseline: 'merge-base' })
    const { report, reportJsonPath } = await gate.run()
    expect(gate.measured).toEqual(['base', 'head'])
    expect(report.runs.base?.commit).toBe('b'.repeat(40))
    expect(report.runs.head.commit).toBe('h'.repeat(40))
    expect(report.comparison).toBeDefined()
    expect(reportJsonPath).toBe(join(gate.outDir, 'report.json'))
    expect(existsSync(reportJsonPath)).toBe(true)
  })

  it('measures the head alone with baseline none, `repeats` times', async () => {
    const gate = gateWith({ baseline: 'none', repeats: '2' })
    const { report } = await gate.run()
    expect(gate.measured).toEqual(['head', 'head-2'])
    expect(report.runs.base).toBeUndefined()
    expect(report.verdict).toBe('pass')
  })

  it('reads a stored baseline before measuring anything: a wrong path fails at once', async () => {
    const gate = gateWith({ baseline: '/nonexistent/report.json' })
    await expect(gate.run()).rejects.toThrow(/^baseline: /)
    expect(gate.measured).toEqual([])
  })
})
