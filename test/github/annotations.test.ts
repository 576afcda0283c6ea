// annotate() marks the lines the comment lists, through the runner's workflow commands.
import { jest } from '@jest/globals'
import { annotate } from '../../src/github/annotations.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { leakSignature, makeReport, provenLeakedAtWarmUp } from '../fixtures/reports.js'

let stdout: string
beforeEach(() => {
  stdout = ''
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString()
    return true
  })
})
afterEach(() => jest.restoreAllMocks())

describe('annotate', () => {
  it('marks the growing site and a group the runtime proved leaked during warm-up, as the comment lists them', () => {
    const report = makeReport()
    report.runs.head.attribution!.goroutines = [provenLeakedAtWarmUp()]
    expect(annotate(report)).toBe(2)
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      '::error title=go-memgate (memgate)%3A growing heap,file=service/main.go,line=21::main.handle allocates memory that stays live: 2.93 MiB/min.',
      '::error title=go-memgate (memgate)%3A growing goroutines,file=service/main.go,line=77::30 goroutines wait here, blocked in chan receive, growing 0/min. The runtime proved them leaked.'
    ])
    expect(renderMarkdown(report)).toContain('`service/main.go:77` **proven leaked**')
  })

  it('marks a known misuse first, at the line to change, with its cause and fix', () => {
    const report = makeReport()
    report.runs.head.attribution!.signatures = [
      leakSignature({
        kind: 'context-not-cancelled',
        site: {
          function: 'main.work',
          file: '/work/repo/service/work.go',
          line: 12,
          repoPath: 'service/work.go'
        }
      })
    ]
    expect(annotate(report)).toBe(2)
    expect(stdout.split('\n').filter(Boolean)[0]).toBe(
      '::error title=go-memgate (memgate)%3A known misuse,file=service/work.go,line=12::A context made with WithCancel/WithTimeout is never cancelled, so its long-lived parent keeps it: call its cancel when the work is done (defer cancel()).'
    )
  })

  it('marks nothing on a pass', () => {
    expect(annotate(makeReport({ verdict: 'pass' }))).toBe(0)
    expect(stdout).toBe('')
  })
})
