// The orchestrator with fakes of the measuring and of git: what it measures and what the
// report it writes holds, without a process.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeConfig, parseConfig, type RawInputs } from '../config.js'
import type { Run } from '../model.js'
import { fittedTrend, heapSite, passReport } from '../../test/fixtures/reports.js'
import { runGate, type GateOptions } from './gate.js'
import type { SidesSeams } from './sides.js'

function gateWith(
  raw: RawInputs,
  {
    log = () => {},
    warn,
    env,
    stageLog = [],
    heapPerSec,
    loadReach,
    goroutinesPile,
    ...github
  }: Partial<Pick<GateOptions, 'log' | 'warn' | 'env' | 'pullRequestMerge' | 'action'>> & {
    /** What a stage logs through the log the gate gives it (here, the worktree seam's). */
    stageLog?: string[]
    /** Each side's live-heap growth, judged at one look against the default 512 KiB/min. */
    heapPerSec?: Record<'head' | 'base', number>
    /** What every run, driven by a load-command, measured of the load's reach. */
    loadReach?: Run['loadReach']
    /** Goroutines pile up at 30/min, and the heap grows 1 MiB/min by their records alone. */
    goroutinesPile?: boolean
  } = {}
) {
  const repoRoot = mkdtempSync(join(tmpdir(), 'memgate-gate-repo-'))
  writeFileSync(join(repoRoot, 'go.mod'), 'module example.com/shop\n')
  const tree = mkdtempSync(join(tmpdir(), 'memgate-gate-tree-'))
  const outDir = join(mkdtempSync(join(tmpdir(), 'memgate-gate-out-')), 'out')
  const measured: string[] = []
  const seams: SidesSeams = {
    measureOnce: async (side, label) => {
      measured.push(label)
      const run: Run = { ...passReport().runs.head, side: side.side, profilesDir: `profiles/${label}` }
      return {
        ...run,
        ...(heapPerSec ? growing(run, heapPerSec[side.side]) : {}),
        ...(goroutinesPile ? pilingUp(growing(run, (1024 * 1024) / 60)) : {}),
        ...(loadReach ? { loadReach, load: LOAD_COMMAND } : {}),
        commit: side.commit ?? 'c'.repeat(40)
      }
    },
    repoRootOf: async (dir) => dir,
    changedLinesSince: async () => ({}),
    findMergeBase: async () => ({
      root: repoRoot,
      headCommit: 'h'.repeat(40),
      baseRef: 'origin/main',
      commit: 'b'.repeat(40),
      found: 'base-ref'
    }),
    withWorktree: async (_root, _commit, stage, use) => {
      for (const line of stageLog) stage(line)
      return use(tree)
    }
  }
  const run = () =>
    runGate(parseConfig(raw), {
      outDir,
      repoRoot,
      configRecord: describeConfig(raw),
      log,
      ...(warn ? { warn } : {}),
      ...(env ? { env } : {}),
      repositoryUrl: 'https://github.com/acme/shop',
      ...github,
      seams
    })
  return { run, measured, outDir }
}

const LOAD_COMMAND: Run['load'] = {
  kind: 'command',
  command: 'hey http://127.0.0.1:8080/api/ordres',
  requests: null,
  errors: null,
  achievedRatePerSec: null
}

/** A run whose live heap grows at `perSec` (±1%), judged at its one look against 512 KiB/min. */
function growing(run: Run, perSec: number): Pick<Run, 'trends' | 'looks'> {
  const limitPerSec = (512 * 1024) / 60
  const [look] = run.looks
  return {
    trends: { ...run.trends, heap: fittedTrend(perSec, perSec * 0.99, perSec * 1.01) },
    looks: [
      {
        ...look,
        decisions: {
          ...look.decisions,
          heap:
            perSec > limitPerSec
              ? { outcome: 'fail', rule: 'above-limit' }
              : { outcome: 'pass', rule: 'upper-below-limit' }
        },
        limitsPerSec: { ...look.limitsPerSec, heap: limitPerSec }
      }
    ]
  }
}

describe('absolute limits with a baseline (absolute-limits)', () => {
  const MiBPerMin = 1024 ** 2 / 60
  const heapAgainstLimit = (judgements: { series: unknown; against: string }[]) =>
    judgements.find((j) => j.series === 'heap' && j.against === 'limit')

  it('change (the default): a limit the base exceeds as much as the head does not fail the PR, and the report says where it fails', async () => {
    const gate = gateWith(
      { baseline: 'merge-base' },
      { heapPerSec: { base: 6 * MiBPerMin, head: 6 * MiBPerMin } }
    )
    const { report } = await gate.run()
    expect(report.verdict).toBe('pass')
    expect(heapAgainstLimit(report.judgements)).toMatchObject({ outcome: 'pass', rule: 'base-grows-too' })
    expect(report.reasons.join('\n')).toMatch(
      /above the limit 512 KiB\/min, as the base does \(6\.00 MiB\/min\)/
    )
    expect(report.notices.join('\n')).toMatch(
      /the base grows too: live heap 6\.00 MiB\/min.*base branch's own run \(`baseline: none`/
    )
  })

  it('change: the head fails when it grows faster than the base by more than the allowed increase', async () => {
    const gate = gateWith(
      { baseline: 'merge-base' },
      { heapPerSec: { base: 6 * MiBPerMin, head: 7 * MiBPerMin } }
    )
    const { report } = await gate.run()
    expect(report.verdict).toBe('fail')
    expect(heapAgainstLimit(report.judgements)).toMatchObject({ outcome: 'fail', rule: 'above-limit' })
  })

  it('change: the head fails a limit the base stays within, whatever head − base says', async () => {
    const gate = gateWith(
      { baseline: 'merge-base', 'max-increase-over-baseline': '2MiB/min' },
      { heapPerSec: { base: 0.4 * MiBPerMin, head: 1 * MiBPerMin } }
    )
    const { report } = await gate.run()
    expect(report.verdict).toBe('fail')
    expect(heapAgainstLimit(report.judgements)).toMatchObject({ outcome: 'fail', rule: 'above-limit' })
  })

  it('strict: the head fails the limit the base exceeds as much, as before', async () => {
    const gate = gateWith(
      { baseline: 'merge-base', 'absolute-limits': 'strict' },
      { heapPerSec: { base: 6 * MiBPerMin, head: 6 * MiBPerMin } }
    )
    const { report } = await gate.run()
    expect(report.verdict).toBe('fail')
    expect(heapAgainstLimit(report.judgements)).toMatchObject({ outcome: 'fail', rule: 'above-limit' })
    expect(report.notices.join('\n')).not.toMatch(/own run/)
  })
})

/** A run whose goroutines fail their limit (10/min) at 30/min, and whose heap grew only by their records. */
function pilingUp(run: Pick<Run, 'trends' | 'looks'>): Pick<Run, 'trends' | 'looks' | 'attribution'> {
  const [look] = run.looks
  const { attribution } = passReport().runs.head
  return {
    trends: { ...run.trends, goroutines: fittedTrend(0.5, 0.45, 0.55) },
    looks: [
      {
        ...look,
        decisions: { ...look.decisions, goroutines: { outcome: 'fail', rule: 'above-limit' } },
        limitsPerSec: { ...look.limitsPerSec, goroutines: 10 / 60 }
      }
    ],
    attribution: {
      ...attribution!,
      heap: [heapSite({ function: 'runtime.systemstack', kind: 'goroutines', repoPath: undefined })],
      goroutines: [
        {
          function: 'main.awaitResult',
          file: '/src/main.go',
          line: 20,
          callPath: [],
          countGrowth: 15,
          perSec: 0.5,
          count: 20
        }
      ]
    }
  }
}

describe("a goroutine leak's own memory", () => {
  it('is charged to the goroutines, not failed as a second leak of the heap', async () => {
    const { report } = await gateWith({ baseline: 'none' }, { goroutinesPile: true }).run()
    expect(report.verdict).toBe('fail')
    expect(report.judgements.map((j) => [j.series, j.outcome, j.rule])).toEqual([
      ['goroutines', 'fail', 'above-limit'],
      ['heap', 'pass', 'goroutines-own-memory']
    ])
  })
})

describe('a load that missed the code', () => {
  const reach = (outcome: 'reached' | 'missed'): Run['loadReach'] => ({
    idleSec: 2,
    idleAllocBytesPerSec: 20_000,
    idleOwnAllocBytesPerSec: 0,
    sampledSec: 30,
    allocBytesPerSec: 750_000,
    ownAllocBytesPerSec: outcome === 'missed' ? 0 : 150_000,
    heapSamplingRateBytes: 32_768,
    outcome
  })

  it('makes a run that would pass inconclusive, saying what was measured', async () => {
    const { report } = await gateWith({ baseline: 'none' }, { loadReach: reach('missed') }).run()
    expect(report.verdict).toBe('inconclusive')
    expect(report.judgements[0]).toMatchObject({
      outcome: 'inconclusive',
      rule: 'load-missed-code',
      series: null
    })
    expect(report.reasons[0]).toMatch(
      /own code: while sampling it allocated 0 B\/s through its module's code beyond what that code does idle/
    )
  })

  it('leaves a run whose load reached the code as it was', async () => {
    const { report } = await gateWith({ baseline: 'none' }, { loadReach: reach('reached') }).run()
    expect(report.verdict).toBe('pass')
    expect(report.judgements.some((j) => j.rule === 'load-missed-code')).toBe(false)
  })
})

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

  it("records the action's ref, and the PR's head beside GitHub's merge commit that was measured", async () => {
    const action = { repository: 'go-memgate/go-memgate', ref: 'v1.2.0' }
    const pullRequestMerge = { merge: 'h'.repeat(40), head: 'p'.repeat(40) }
    const gate = gateWith({ baseline: 'merge-base' }, { action, pullRequestMerge })
    const { report, reportJsonPath } = await gate.run()
    expect(report.tool.action).toEqual(action)
    expect(report.source).toEqual({
      repositoryUrl: 'https://github.com/acme/shop',
      commit: 'p'.repeat(40),
      merge: 'h'.repeat(40)
    })
    expect(JSON.parse(readFileSync(reportJsonPath, 'utf8')).tool.action).toEqual(action)
  })

  it('measures the head alone with baseline none, `repeats` times', async () => {
    const gate = gateWith({ baseline: 'none', repeats: '2' })
    const { report } = await gate.run()
    expect(gate.measured).toEqual(['head', 'head-2'])
    expect(report.runs.base).toBeUndefined()
    expect(report.verdict).toBe('pass')
  })

  // Issue 22, item 10: pprof on the API's router passed without a word.
  it("notes pprof served on target-url's host and port, and not the default target (pprof's own host)", async () => {
    const api = { 'pprof-url': 'http://127.0.0.1:8080/debug/pprof', baseline: 'none' }
    const shared = await gateWith({ ...api, 'target-url': 'http://127.0.0.1:8080/api/orders' }).run()
    expect(shared.report.notices).toEqual([
      "pprof is served on the API's own address (127.0.0.1:8080, as target-url): memgate reads the same process either way, but deployed like this the service shows /debug/pprof/ (heap contents, CPU profiles on demand) to whoever reaches its API; serve pprof on a port of its own, bound to 127.0.0.1"
    ])
    const apart = await gateWith({ ...api, 'target-url': 'http://127.0.0.1:8081/api/orders' }).run()
    expect(apart.report.notices).toEqual([])
    expect((await gateWith(api).run()).report.notices).toEqual([])
  })

  it('reads a stored baseline before measuring anything: a wrong path fails at once', async () => {
    const gate = gateWith({ baseline: '/nonexistent/report.json' })
    await expect(gate.run()).rejects.toThrow(/^baseline: /)
    expect(gate.measured).toEqual([])
  })

  it('hides every secret of the inputs in what is logged, warned and written to --out', async () => {
    // Made-up secrets in the shapes of the issue's: a token in the build command, a target
    // URL with a password and a key, a bearer header and hey's -a in the load command, a
    // webhook URL in env, a Pushgateway's password, a token in the branch name, and a
    // Pushgateway whose error page quotes the webhook.
    const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
    const hook = 'https://hooks.slack.com/services/T0/B0/slackHook77'
    const gateway = createServer((_req, res) => res.writeHead(500).end(`no push: ${hook}`))
    await new Promise<void>((listening) => gateway.listen(0, '127.0.0.1', listening))
    const raw: RawInputs = {
      baseline: 'merge-base',
      'build-command': `GITHUB_TOKEN=${token} go build -o "$MEMGATE_BINARY" .`,
      'target-url': 'http://admin:tgtPass99@127.0.0.1:48193/?api_key=tgtKey77',
      'load-command': `hey -a admin:heyPass9 -H 'Authorization: Bearer sekritBearer123' "$MEMGATE_TARGET_URL"`,
      env: `SLACK_WEBHOOK_URL=${hook}`,
      'pushgateway-url': `http://push:pushPass55@127.0.0.1:${(gateway.address() as AddressInfo).port}/`
    }
    const secrets = [
      token,
      'tgtPass99',
      'tgtKey77',
      'heyPass9',
      'sekritBearer123',
      'slackHook77',
      'pushPass55'
    ]
    const shown: string[] = []
    const gate = gateWith(raw, {
      log: (line) => shown.push(line),
      warn: (line) => shown.push(line),
      env: { GITHUB_HEAD_REF: `fix-${token}` },
      // What the engine logs: the commands, the URLs, and a service that prints its env.
      stageLog: [
        `head: building ${raw['build-command']}`,
        `head: load 50 req/s on 8 connections to ${raw['target-url']}`,
        `head: load "${raw['load-command']}"`,
        `hook at ${hook}`
      ]
    })
    await gate.run().finally(() => gateway.close())
    expect(shown).toContainEqual(expect.stringMatching(/^pushgateway-url: .*status 500, no push: \*\*\*/))
    const files = readdirSync(gate.outDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())
    expect(files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['report.json', 'report.md', 'metrics.txt'])
    )
    const written = files.map((f) => `${f.name}: ${readFileSync(join(f.parentPath, f.name), 'utf8')}`)
    for (const text of [...shown, ...written])
      for (const secret of secrets) expect(text).not.toContain(secret)
  })
})
