import { heapSite, makeReport } from '../../test/fixtures/reports.js'
import type { GoroutineGroup, HeapSite } from '../model.js'
import { renderMarkdown } from './markdown.js'
import { renderTerminal } from './terminal.js'

// The fixture's heap grows 51,200 bytes a second: 2.93 MiB/min, interval ±10%.
describe('renderMarkdown', () => {
  it('leads with the verdict, what grows against what, the leaking line and the next step, then the table', () => {
    const md = renderMarkdown(makeReport())
    const [heading, firstScreen, table] = md.split('\n\n')
    expect([heading, ...firstScreen.split('\n')]).toEqual([
      '### ❌ go-memgate: memory grows — this check fails',
      '- **Live heap grows 2.93 MiB/min (256 B/request), above the limit 1.00 MiB/min (87 B/request)**',
      '- Leaking line: `service/main.go:21` in `main.handle`: 5.00 MiB kept, 256 B/request',
      '- Next: look at the line above; reproduce: `npx github:go-memgate/go-memgate#v0.1.0 run --max-heap-growth 1MiB/min --duration 20s`'
    ])
    // Units written one way: the limit as the user gave it ("1MiB/min") is shown as the report writes rates.
    expect(table).toContain(
      '| Live heap | **+2.93 MiB/min** | +2.64 MiB/min … +3.22 MiB/min | +2.93 MiB/min | 1.00 MiB/min |'
    )
    expect(md).toContain('| RSS | +2.93 MiB/min |')
  })

  it('gives base and head side by side, one row a series, with the difference and its allowed increase', () => {
    const report = makeReport()
    report.runs.base = {
      ...report.runs.head,
      side: 'base',
      trends: { ...report.runs.head.trends, heap: null }
    }
    report.comparison = { heap: { diffPerSec: 51_190, ciLow: 46_000, ciHigh: 56_000, limitPerSec: 4369.07 } }
    // The limit column is read from the judgements: goroutines judged against 10/min, no allowed increase.
    report.judgements.push({
      outcome: 'pass',
      rule: 'upper-below-limit',
      series: 'goroutines',
      against: 'limit',
      limitPerSec: 10 / 60
    })
    const table = renderMarkdown(report).split('\n\n')[2].split('\n')
    expect(table).toEqual([
      '| | head | base | Δ head − base | limit |',
      '|---|---|---|---|---|',
      '| Live heap | **+2.93 MiB/min** | — | +2.93 MiB/min | 1.00 MiB/min; Δ ≤ +256 KiB/min |',
      '| Goroutines | 0/min | 0/min | 0/min | 10/min; Δ off |',
      '| RSS | +2.93 MiB/min | +2.93 MiB/min | 0 B/min | not judged |'
    ])
  })

  it('links the commits and the leaking line to the head commit when the repository is known', () => {
    const commit = 'ab'.repeat(20)
    const report = makeReport({ source: { repositoryUrl: 'https://github.com/acme/shop', commit } })
    report.runs.head.attribution!.heap = [heapSite({ repoPath: 'cmd/api server/main.go' })]
    const md = renderMarkdown(report)
    expect(md).toContain(
      `- Commit: head <a href="https://github.com/acme/shop/commit/${commit}">\`${commit.slice(0, 7)}\`</a>`
    )
    expect(md).toContain(
      `- Leaking line: <a href="https://github.com/acme/shop/blob/${commit}/cmd/api%20server/main.go#L21">\`cmd/api server/main.go:21\`</a>`
    )
  })

  it.each([
    [
      'a repository URL that is not a web address',
      { repositoryUrl: 'javascript:alert(1)', commit: 'ab'.repeat(20) }
    ],
    [
      'a commit that is not a hash',
      { repositoryUrl: 'https://github.com/acme/shop', commit: '"><img src=x>' }
    ]
  ])('links nothing for %s (in comment mode the report is untrusted)', (_, source) => {
    const md = renderMarkdown(makeReport({ source }))
    expect(md).not.toContain('<a href')
    expect(md).toContain('- Leaking line: `service/main.go:21`')
  })

  it('names the base and head commits, short', () => {
    const report = makeReport()
    report.runs.base = {
      ...report.runs.head,
      side: 'base',
      ref: 'main',
      commit: '3f5c2a9d81e04b7c6a1d2e3f4a5b6c7d8e9f0a1b'
    }
    report.runs.head.commit = '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d'
    expect(renderMarkdown(report)).toContain('- Commits: base `main` `3f5c2a9` → head `9e8d7c6`')
  })

  it('names the allocation site as function and repository path:line', () => {
    const md = renderMarkdown(makeReport())
    expect(md).toContain('| `main.handle`<br>`service/main.go:21` | 5.00 MiB | 2.93 MiB/min | 256 B |')
  })

  it("points a goroutine leak's heap to the goroutine table, in markdown and in the terminal", () => {
    const report = makeReport()
    report.runs.head.attribution!.heap = [
      heapSite({
        kind: 'goroutines',
        function: 'runtime.systemstack',
        file: '/usr/local/go/src/runtime/asm_amd64.s',
        line: 562,
        repoPath: undefined
      })
    ]
    const md = renderMarkdown(report)
    expect(md).toContain('| new goroutines (see the goroutine table) | 5.00 MiB | 2.93 MiB/min | 256 B |')
    const text = renderTerminal(report)
    expect(text).toContain('    new goroutines (see below)  +5.00 MiB (2.93 MiB/min)')
    expect(md + text).not.toContain('systemstack')
  })

  it('lists no site whose growth is within the profile sampling noise', () => {
    const report = makeReport()
    report.runs.head.attribution!.heap = [heapSite({ withinNoise: true })]
    expect(renderMarkdown(report)).not.toContain('Where the heap grows')
  })

  it('charts the failing series: base, head and the limit with pinned colours; no chart for a series that passed', () => {
    const report = makeReport()
    report.runs.base = { ...report.runs.head, side: 'base' }
    const md = renderMarkdown(report)
    expect(md.match(/^```mermaid$/gm)).toHaveLength(1)
    expect(md).toContain('      plotColorPalette: "#2f81f7, #e8590c, #848d97"')
    expect(md).toContain('  title "Live heap after GC: base blue, head orange, limit grey"')
    expect(md).not.toMatch(/Goroutines:/)
  })

  it('says in a line that a series held, where one not judged clearly never moved', () => {
    const report = makeReport()
    report.judgements.push({
      outcome: 'inconclusive',
      rule: 'too-few-samples',
      series: 'goroutines',
      against: 'limit'
    })
    expect(renderMarkdown(report)).toContain('_Goroutines: 12 in every sample._')
  })

  it('reproduces a pull request run: baseline auto was the merge-base, from the base branch', () => {
    const report = makeReport({ config: { baseline: 'auto', 'max-heap-growth': '1MiB/min' } })
    report.runs.base = { ...report.runs.head, side: 'base', ref: 'develop' }
    expect(renderMarkdown(report)).toContain(
      'reproduce: `npx github:go-memgate/go-memgate#v0.1.0 run --baseline merge-base --max-heap-growth 1MiB/min --base-ref develop`'
    )
  })

  it('gives a command that reproduces the run, one --env a variable, a secret from the shell', () => {
    const report = makeReport({
      config: { env: 'ADDR=127.0.0.1:7000\nLEAK_BYTES=64\nDB_PASSWORD=***', rate: '50' }
    })
    expect(renderMarkdown(report)).toContain(
      'reproduce: `npx github:go-memgate/go-memgate#v0.1.0 run --env ADDR=127.0.0.1:7000 --env LEAK_BYTES=64 --env "DB_PASSWORD=$DB_PASSWORD" --rate 50`'
    )
  })

  it('pins the action ref the workflow used, when report.json has it', () => {
    const report = makeReport()
    report.tool.action = { repository: 'acme/go-memgate', ref: '3f5c2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b' }
    expect(renderMarkdown(report)).toContain(
      'reproduce: `npx github:acme/go-memgate#3f5c2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b run'
    )
    report.tool.action = { repository: 'acme/go-memgate', ref: 'v1;rm -rf ~' }
    expect(renderMarkdown(report)).toContain('reproduce: `npx github:go-memgate/go-memgate#v0.1.0 run')
  })

  it('notes the goroutine leak profile only beside a goroutine table', () => {
    const report = makeReport()
    report.runs.head.attribution!.goroutineLeakProfile = true
    expect(renderMarkdown(report)).not.toContain('GOEXPERIMENT')
    report.runs.head.attribution!.goroutines = [
      {
        function: 'main.wait',
        file: '/work/repo/service/main.go',
        line: 30,
        repoPath: 'service/main.go',
        callPath: [],
        countGrowth: 40,
        perSec: 2,
        count: 52
      }
    ]
    expect(renderMarkdown(report)).toMatch(/#### Goroutines that pile up[\s\S]*\n_Built with GOEXPERIMENT/)
  })

  it('shortens to fit, cutting at a line end, and says where the full report is', () => {
    const report = makeReport()
    report.runs.head.attribution!.heap = Array.from({ length: 400 }, (_, i) =>
      heapSite({ function: `main.handler${i}`, line: i + 1 })
    )
    const full = renderMarkdown(report)
    const short = renderMarkdown(report, { maxChars: 2000 })
    expect(full.length).toBeGreaterThan(2000)
    expect(short.length).toBeLessThanOrEqual(2000)
    expect(short).toMatch(/full report is in the job summary and the artifact/)
    expect(short).not.toMatch(/<code>[^<]*$/m) // no code span cut open
  })
})

describe('renderTerminal', () => {
  it('prints the verdict, reasons, trends and the leaking line', () => {
    const text = renderTerminal(makeReport())
    expect(text.split('\n')[0]).toBe('go-memgate: FAIL')
    expect(text).toContain(
      '  - live heap grows 2.93 MiB/min (95% CI 2.64 MiB/min to 3.22 MiB/min), limit 1.00 MiB/min'
    )
    expect(text).toMatch(/^ {2}heap +2\.93 MiB\/min +2\.64 MiB\/min \.\. 3\.22 MiB\/min +2\.93 MiB\/min$/m)
    expect(text).toContain('    service/main.go:21  main.handle  +5.00 MiB (2.93 MiB/min)')
  })

  it('shows what went wrong in the run, such as a load-command that ended early', () => {
    const report = makeReport()
    report.runs.head.sampleNotes = ['the load-command exited with code 3 before sampling ended']
    expect(renderTerminal(report)).toContain(
      '  head: the load-command exited with code 3 before sampling ended'
    )
  })
})

describe('the leaking line, where libraries and the standard library hold the growth', () => {
  const withSites = (sites: HeapSite[]) => {
    const report = makeReport()
    report.runs.head.attribution!.heap = sites
    return renderMarkdown(report)
  }
  const readLoop = heapSite({
    function: 'net/http.(*persistConn).readLoop',
    file: '/usr/local/go/src/net/http/transport.go',
    line: 2409,
    repoPath: undefined,
    owner: 'standard-library',
    goroutinesCreatedBy: 'net/http.(*Transport).dialConn /usr/local/go/src/net/http/transport.go:1994',
    bytesPerRequestInterval: { low: 200, high: 312 }
  })

  it('names the service line that started the goroutines holding it, never a standard-library line', () => {
    const md = withSites([
      {
        ...readLoop,
        startedBy: {
          function: 'main.handle',
          file: '/work/repo/service/main.go',
          line: 21,
          repoPath: 'service/main.go'
        }
      }
    ])
    expect(md).toContain(
      '- Leaking line: `service/main.go:21` in `main.handle` starts the `net/http` goroutines begun in `(*persistConn).readLoop`: 5.00 MiB kept, 256 B (200 B–312 B)/request'
    )
    expect(md).toContain(
      'held by net/http goroutines begun in (&#42;persistConn).readLoop, started at service/main.go:21'
    )
  })

  it("names the service line that started a library's goroutines, then the library's line", () => {
    const serializer = heapSite({
      function: 'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run',
      file: '/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/internal/grpcsync/callback_serializer.go',
      line: 114,
      repoPath: undefined,
      owner: 'library',
      startedBy: {
        function: 'main.handle',
        file: '/work/repo/service/main.go',
        line: 53,
        repoPath: 'service/main.go'
      }
    })
    const md = withSites([serializer])
    expect(md).toContain(
      '- Leaking line: `service/main.go:53` in `main.handle` starts the goroutines on which `google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run` at `/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/internal/grpcsync/callback_serializer.go:114` allocates: 5.00 MiB kept'
    )
    expect(md).toContain(
      'in the library google.golang.org/grpc/internal/grpcsync, on goroutines started at service/main.go:53'
    )
  })

  it("prefers the service's own line to goroutines it cannot link", () => {
    const md = withSites([readLoop, heapSite({ inuseBytesGrowth: 1024 * 1024, changedInPr: true })])
    expect(md).toContain(
      '- Leaking line: `service/main.go:21` in `main.handle` (changed in this PR): 1.00 MiB kept'
    )
  })

  it('says plainly when the goroutines of a library hold it and nothing links them', () => {
    const md = withSites([readLoop])
    expect(md).toContain(
      '- Memory is held by `net/http` goroutines begun in `(*persistConn).readLoop` (created by `net/http.(*Transport).dialConn /usr/local/go/src/net/http/transport.go:1994`); no line of the service links to them: 5.00 MiB kept'
    )
    expect(md).not.toContain('Leaking line')
  })

  /** A goroutines fail whose one grown group is `group`, started at service/main.go:19. */
  const pilingUp = (group: Pick<GoroutineGroup, 'function' | 'file' | 'line' | 'waitReason' | 'entry'>) => {
    const report = makeReport()
    report.judgements[0] = { ...report.judgements[0], series: 'goroutines' }
    report.runs.head.attribution!.heap = []
    report.runs.head.attribution!.goroutines = [
      {
        ...group,
        callPath: [],
        startedBy: {
          function: 'main.handle',
          file: '/work/repo/service/main.go',
          line: 19,
          repoPath: 'service/main.go'
        },
        countGrowth: 120,
        perSec: 2,
        count: 130
      }
    ]
    return renderMarkdown(report)
  }

  it('names the service line behind goroutines of the standard library that pile up', () => {
    const md = pilingUp({
      function: 'net/http.(*persistConn).readLoop',
      file: '/usr/local/go/src/net/http/transport.go',
      line: 2330,
      waitReason: 'IO wait',
      entry: 'net/http.(*persistConn).readLoop'
    })
    expect(md).toContain(
      '- Goroutines pile up: `service/main.go:19` in `main.handle` starts the `net/http` goroutines begun in `(*persistConn).readLoop` (IO wait): +120'
    )
    expect(md).not.toMatch(/Goroutines pile up at: .*transport\.go/)
  })

  it("names the service line behind a library's goroutines that pile up, then where they wait", () => {
    const md = pilingUp({
      function: 'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run',
      file: '/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/internal/grpcsync/callback_serializer.go',
      line: 114,
      waitReason: 'select'
    })
    expect(md).toContain(
      '- Goroutines pile up: `service/main.go:19` in `main.handle` starts the goroutines that wait in `google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run` at `/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/internal/grpcsync/callback_serializer.go:114` (select): +120'
    )
  })
})
