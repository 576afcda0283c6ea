import {
  failWithBaselineReport,
  inconclusiveReport,
  leakSignature,
  makeReport,
  passReport,
  provenLeakedAtWarmUp
} from '../../test/fixtures/reports.js'
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
  report.reasons = report.judgements.map((j) => describeJudgement(j, report.verdict))
  return report
}

describe('a per-request limit', () => {
  it('reads the same on the first screen, in the table and in the reasons: 1 per 1234 requests', () => {
    const md = renderMarkdown(perRequestLimitReport({ 'max-goroutine-growth': '1/1234req' }))
    const [, firstScreen, table] = md.split('\n\n')
    const folded = md.split('<details>')[1]
    expect(firstScreen).toContain('above the limit 9.7/min (1 per 1234 requests)')
    expect(table).toMatch(/\| Goroutines .*\| 1 per 1234 requests \|$/m)
    expect(folded).toContain('limit 9.7/min (1 per 1234 requests)')
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

describe('a known misuse', () => {
  const unclosedBody = (report: Report) => {
    report.runs.head.attribution!.signatures = [leakSignature()]
    return report
  }
  const said =
    'Known misuse: an HTTP response body is not closed, so each request keeps its connection open: close it after reading (defer resp.Body.Close())'

  it('says cause, fix and the line to change on the first screen, in the terminal and as the first annotation', () => {
    const report = unclosedBody(makeReport())
    const markdown = renderMarkdown(report)
    const firstScreen = markdown.slice(0, markdown.indexOf('\n|'))
    expect(firstScreen).toContain(`- ${said} (\`service/client.go:75\`)`)
    // The line to change comes first: the leaking line may be where a library's goroutines began.
    expect(firstScreen.split('\n')[3]).toMatch(/^- Known misuse: /)
    expect(firstScreen.split('\n')[4]).toMatch(/^- Leaking line: /)
    expect(renderTerminal(report)).toContain(`  ${said} (service/client.go:75)`)
    expect(present(report).knownMisuse?.annotation).toEqual({
      title: 'go-memgate (memgate): known misuse',
      message:
        'An HTTP response body is not closed, so each request keeps its connection open: close it after reading (defer resp.Body.Close()).',
      file: 'service/client.go',
      line: 75
    })
  })

  it('is not said when the run passes', () => {
    expect(present(unclosedBody(makeReport({ verdict: 'pass' }))).knownMisuse).toBeNull()
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

// Issue 22, item 4: a failing PR read "this check fails", then "too noisy to judge against
// the limit 512 KiB/min; raise max-duration", then "This run would catch a heap leak of
// ≥ 2.91 MiB/min" on a run that had just caught 1.88 MiB/min.
describe('a comment that never contradicts itself', () => {
  /** Head − base failed; the head alone against the absolute limit was too noisy to tell. */
  function failOnTheBaseOnly(): Report {
    const report = failWithBaselineReport()
    const [heapLimit, goroutineLimit, heapBase, goroutineBase] = report.judgements
    const noisy: Judgement = { ...heapLimit, outcome: 'inconclusive', rule: 'too-noisy', lowPerSec: -4096 }
    const calm: Judgement = { ...goroutineLimit, outcome: 'pass', rule: 'upper-below-limit' }
    const calmBase: Judgement = { ...goroutineBase, outcome: 'pass', rule: 'upper-below-limit' }
    report.judgements = [heapBase, noisy, calm, calmBase]
    report.reasons = report.judgements.map((j) => describeJudgement(j, 'fail'))
    // Sampled to max-duration: the heap's limit never had a clear answer.
    const last = report.runs.head.looks.at(-1)!
    report.runs.head.looks = [
      {
        ...last,
        index: 3,
        count: 4,
        atSec: 120,
        decisions: { heap: { outcome: 'inconclusive', rule: 'too-noisy' } }
      }
    ]
    return report
  }

  /** Every sentence of the view that is words, not a table cell. */
  const sentences = (view: ReturnType<typeof present>) => [
    ...view.growth.map((g) => g.text),
    ...view.reasons,
    ...view.caveats,
    ...view.moreCaveats,
    ...(view.failOnNote ? [view.failOnNote] : [])
  ]

  it('says of a fail what decided it, and of a judgement that decided nothing only that', () => {
    const view = present(failOnTheBaseOnly())
    expect(view.growth[0]).toEqual({
      text: 'Live heap grows +2.91 MiB/min over the base (255 B/request), above the allowed increase 256 KiB/min (22 B/request)',
      failed: true
    })
    const noisy = view.reasons.find((r) => r.includes('too noisy'))
    expect(noisy).toMatch(
      /too noisy to judge against the limit 512 KiB\/min; the fail rests on the judgements that failed/
    )
    expect(view.moreCaveats).toContain(
      'Stopped at max-duration, after 120s of sampling (look 4 of 4): the growth against a limit the fail does not rest on was still unclear.'
    )
    for (const sentence of sentences(view))
      expect(sentence).not.toMatch(/raise|lengthen|would catch|the growth was still unclear/i)
  })

  it('keeps both on the first screen of the markdown out of it: verdict, growth, line, next step', () => {
    const firstScreen = renderMarkdown(failOnTheBaseOnly()).split('\n| |')[0]
    expect(firstScreen).not.toMatch(/too noisy|raise max-duration|would catch|unclear/)
    expect(firstScreen).toMatch(/this check fails[\s\S]*over the base[\s\S]*Leaking line: [\s\S]*Next: /)
  })

  it('says what a pass or an inconclusive run could have caught, never a fail', () => {
    expect(present(failWithBaselineReport()).caveats).toEqual([])
    expect(present(passReport()).caveats[0]).toMatch(/^This run would catch a heap leak of ≥ 539 KiB\/min/)
    expect(present(inconclusiveReport()).caveats[0]).toMatch(
      /^This run would catch a heap leak of ≥ 850 KiB\/min/
    )
  })

  it('says on the first screen of a fail with no line named that the heap profile was too coarse', () => {
    const report = makeReport()
    report.runs.head.attribution!.heap = []
    report.runs.head.attribution!.heapSamplingRateBytes = 512 * 1024
    expect(present(report).leakingLine).toBeNull()
    expect(present(report).caveats).toEqual([
      expect.stringMatching(/^The heap profile samples one allocation per 512 KiB/)
    ])
    expect(present(inconclusiveReport()).moreCaveats).toContainEqual(expect.stringMatching(/memprofilerate/))
  })

  it("names a staircase's container as the leaking line when no site clears the profile's noise", () => {
    // As buffer-leak: one array replaced by a larger, objects unchanged, within the noise model's reach.
    const report = makeReport()
    const buffer = {
      ...report.runs.head.attribution!.heap[0],
      line: 29,
      inuseBytesGrowth: 3_670_016,
      inuseObjectsGrowth: 0
    }
    report.runs.head.attribution!.heap = [{ ...buffer, withinNoise: true }]
    report.judgements[0].container = {
      function: buffer.function,
      file: buffer.file,
      line: 29,
      ...(buffer.repoPath ? { repoPath: buffer.repoPath } : {}),
      inuseBytesGrowth: 3_670_016,
      inuseObjectsGrowth: 0
    }
    const markdown = renderMarkdown(report)
    const firstScreen = markdown.slice(0, markdown.indexOf('\n|')).split('\n')
    expect(firstScreen).toContain(
      '- Leaking line: `service/main.go:29` in `main.handle`: a container that grows in steps holds 3.50 MiB more in the arrays that replaced the last'
    )
    expect(present(report).caveats).toEqual([])
  })

  it('puts at most two lines of caveats on the first screen, and folds the rest', () => {
    for (const report of [failWithBaselineReport(), passReport(), inconclusiveReport()]) {
      const view = present(report)
      expect(view.caveats.length).toBeLessThanOrEqual(2)
      expect(renderMarkdown(report)).toMatch(/<details><summary>[^<]*how it was judged/i)
    }
    const folded = present(failWithBaselineReport()).moreCaveats
    expect(folded[0]).toMatch(/^Stopped after 30s of sampling/)
  })
})

describe('a pass', () => {
  /** A pass over a base that ran once, whose heap profile sampled at Go's default rate. */
  function passOverABase(): Report {
    const report = failWithBaselineReport()
    report.verdict = 'pass'
    report.judgements = report.judgements.map((j) => ({ ...j, outcome: 'pass', rule: 'upper-below-limit' }))
    report.reasons = report.judgements.map((j) => describeJudgement(j, 'pass'))
    report.runs.head.attribution!.heapSamplingRateBytes = 512 * 1024
    return report
  }

  it('asks nothing of its reader: no advice on max-duration, repeats or memprofilerate', () => {
    for (const report of [passReport(), passOverABase()]) {
      const view = present(report)
      const words = [...view.reasons, ...view.caveats, ...view.moreCaveats, ...(view.nextStep ?? [])]
      expect(words.join('\n')).not.toMatch(/raise|repeats:|memprofilerate|lengthen|tune|set /i)
      expect(view.nextStep).toBeNull()
      expect(view.brief).toBe(true)
    }
    expect(present(passOverABase()).moreCaveats).toContain(
      'Base ran once, then head: a drift of the machine between the two runs cannot be told from the change.'
    )
  })

  it('is its first screen, the rest folded, with no chart', () => {
    const md = renderMarkdown(passOverABase())
    const [open] = md.split('<details>')
    // The verdict, then what grows, the commits and what the run could have caught.
    expect(open.trim().split('\n').slice(2)).toEqual([
      expect.stringMatching(/^- Live heap grows 2\.93 MiB\/min \(256 B\/request\), within the limit/),
      expect.stringMatching(/^- Commits: /),
      expect.stringMatching(/^- _This run would catch a heap leak of ≥ 574 KiB\/min/)
    ])
    expect(md).not.toContain('```mermaid')
  })
})

describe('charts', () => {
  it('are drawn for the series that failed or could not be judged clearly, not for the flat ones', () => {
    const titles = (r: Report) => present(r).charts.map((c) => c.request.title)
    expect(titles(failWithBaselineReport())).toEqual(['Live heap after GC', 'Goroutines'])
    expect(titles(inconclusiveReport())).toEqual(['Live heap after GC'])
    expect(titles(passReport())).toEqual([])
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
    expect([...view.caveats, ...view.moreCaveats].join('\n')).not.toMatch(/would catch/)
    expect(view.reasons[0]).toMatch(/^the load made no measurable difference to the service's own code/)
  })

  it("gives the load-command's allocation rate in place of a request count", () => {
    const markdown = renderMarkdown(missedReport())
    expect(markdown).toMatch(
      /the service allocated 758 KiB\/s while sampling, 0 B\/s of it through its own code/
    )
  })
})
