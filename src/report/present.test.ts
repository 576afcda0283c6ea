import { makeReport, provenLeakedAtWarmUp } from '../../test/fixtures/reports.js'
import type { Judgement, Report } from '../model.js'
import { describeJudgement } from './judgement.js'
import { renderMarkdown } from './markdown.js'
import { present } from './present.js'
import { renderTerminal } from './terminal.js'

/** A failing goroutine judgement against a limit the user gave per request: 1/1234req at 200 requests/s. */
function perRequestLimitReport(config: Record<string, string>): Report {
  const limitPerRequest = 1 / 1234
  const goroutines: Judgement = {
    outcome: 'fail',
    rule: 'above-limit',
    series: 'goroutines',
    against: 'limit',
    estimatePerSec: 3.5,
    lowPerSec: 3.2,
    highPerSec: 3.8,
    latePerSec: 3.5,
    limitPerSec: limitPerRequest * 200,
    limitPerRequest,
    confidence: 0.95
  }
  const report = makeReport({ config })
  report.judgements = [goroutines, ...report.judgements]
  report.reasons = report.judgements.map(describeJudgement)
  return report
}

describe('a per-request limit', () => {
  it('reads the same on the first screen, in the table and in the reasons: 1 per 1234 requests', () => {
    const md = renderMarkdown(perRequestLimitReport({ 'max-goroutine-growth': '1/1234req' }))
    const [, firstScreen, table, reasons] = md.split('\n\n')
    expect(firstScreen).toContain('above the limit 9.7/min (1 per 1234 requests)')
    expect(table).toMatch(/\| Goroutines .*\| 1 per 1234 requests \|$/m)
    expect(reasons).toContain('limit 9.7/min (1 per 1234 requests)')
    expect(md).not.toMatch(/1 per 1200 requests|0\.00081/)
  })

  it("is read from the judgement's numbers, never from the config the report carries", () => {
    // In comment mode report.config comes from an untrusted fork: what it says is not the limit judged.
    const md = renderMarkdown(perRequestLimitReport({ 'max-goroutine-growth': '5/min' }))
    expect(md).toMatch(/\| Goroutines .*\| 1 per 1234 requests \|$/m)
    expect(md).not.toContain('5/min |')
  })
})

describe('goroutine groups', () => {
  // Leaked during warm-up: proven by the goroutineleak profile, yet no growth while sampling.
  const provenAtWarmUp = provenLeakedAtWarmUp()

  it('lists a group the runtime proved leaked though it did not grow, in the comment and the terminal', () => {
    const report = makeReport()
    report.runs.head.attribution!.goroutines = [provenAtWarmUp]
    expect(renderMarkdown(report)).toMatch(
      /\| `main\.awaitReply`<br>`service\/main\.go:77` \*\*proven leaked\*\* \| chan receive \|/
    )
    expect(renderTerminal(report)).toContain(
      '    service/main.go:77  main.awaitReply  +0 (chan receive) [proven leaked]'
    )
  })
})

// Issue 21, class 4: a fork's report may hold 1,000 notices and 10,000 run notes of 8,192
// characters; every output rendered them all (21 MB of report.md).
describe('long lists', () => {
  it('shows the first 20 notices and notes of a run, then how many more report.json has', () => {
    const report = makeReport({ notices: Array.from({ length: 1000 }, (_, i) => `notice ${i}`) })
    report.runs.head.sampleNotes = Array.from({ length: 10_000 }, (_, i) => `note ${i}`)
    const view = present(report)
    expect(view.notices).toHaveLength(21)
    expect(view.notices.at(-1)).toBe('980 more notices in report.json')
    expect(view.runs[0].notes.at(-1)).toBe('9980 more notes in report.json')
  })
})

describe('a load that missed the code', () => {
  const reach = {
    idleSec: 2,
    idleAllocBytesPerSec: 27_000,
    idleOwnAllocBytesPerSec: 0,
    sampledSec: 30,
    allocBytesPerSec: 776_000,
    ownAllocBytesPerSec: 0,
    heapSamplingRateBytes: 32_768,
    outcome: 'missed' as const
  }
  const missedReport = (): Report => {
    const report = makeReport({ verdict: 'inconclusive' })
    report.runs.head = {
      ...report.runs.head,
      load: {
        kind: 'command',
        command: 'hey http://127.0.0.1:8080/api/ordres',
        requests: null,
        errors: null,
        achievedRatePerSec: null
      },
      loadReach: reach
    }
    report.judgements = [
      { outcome: 'inconclusive', rule: 'load-missed-code', series: null, against: 'limit', loadReach: reach },
      ...report.judgements
    ]
    return report
  }

  it('says so in the headline and the fail-on note, and claims no leak it would catch', () => {
    const view = present(missedReport())
    expect(view.headline).toBe("⚠️ go-memgate: inconclusive — the load did not reach the service's code")
    expect(view.failOnNote).toMatch(
      /the load did not reach the service's code, so a leak is neither found nor ruled out/
    )
    expect(view.remarks.join('\n')).not.toMatch(/would catch/)
    expect(view.reasons[0]).toMatch(/^the load made no measurable difference to the service's own code/)
  })

  it("gives the load-command's allocation rate in place of a request count", () => {
    const markdown = renderMarkdown(missedReport())
    expect(markdown).toMatch(
      /the service allocated 758 KiB\/s while sampling, 0 B\/s of it through its own code/
    )
  })
})
