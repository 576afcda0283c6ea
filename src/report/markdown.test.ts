import { heapSite, makeReport } from '../../test/fixtures/reports.js'
import { renderMarkdown } from './markdown.js'
import { renderTerminal } from './terminal.js'

// The fixture's heap grows 51,200 bytes a second: 2.93 MiB/min, interval ±10%.
describe('renderMarkdown', () => {
  it('leads with the verdict and its reasons, then the growth table', () => {
    const md = renderMarkdown(makeReport())
    const lines = md.split('\n')
    expect(lines[0]).toBe('### ❌ go-memgate: memory grows — this check fails')
    expect(lines[2]).toBe(
      '- live heap grows 2.93 MiB/min (95% CI 2.64 MiB/min to 3.22 MiB/min), limit 1.00 MiB/min'
    )
    expect(md).toContain(
      '| Live heap | **+2.93 MiB/min** | +2.64 MiB/min … +3.22 MiB/min | +2.93 MiB/min | 1MiB/min |'
    )
    expect(md).toContain('| RSS | **+2.93 MiB/min** |')
  })

  it('names the allocation site as function and repository path:line', () => {
    const md = renderMarkdown(makeReport())
    expect(md).toContain(
      '| <code>main.handle</code><br><code>service/main.go:21</code> | 5.00 MiB | 2.93 MiB/min | 256 B |'
    )
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

  it('draws the heap and goroutines as mermaid charts, base and head in one', () => {
    const report = makeReport()
    report.runs.base = { ...report.runs.head, side: 'base' }
    const md = renderMarkdown(report)
    expect(md).toContain('title "Live heap after GC (lines: base, then head)"')
    expect(md.match(/^```mermaid$/gm)).toHaveLength(2)
  })

  it('gives a command that reproduces the run, env on one line', () => {
    const report = makeReport({ config: { env: 'ADDR=127.0.0.1:7000\nLEAK_BYTES=64', rate: '50' } })
    expect(renderMarkdown(report)).toContain(
      '<pre><code>npx github:go-memgate/go-memgate run --env $&#39;ADDR=127.0.0.1:7000&#92;nLEAK&#95;BYTES=64&#39; --rate 50</code></pre>'
    )
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
