// npm run bench:hostile: what a fork's report.json costs the trusted comment job (issue 21,
// class 4). Each case is a report as large as parseReport reads (16 MiB) that the schema
// accepts: strings at their longest, full of what once backtracked or became markup; lists
// of 10,000; call paths 1,000 deep; 200,000 samples. A child process a case runs the
// comment job's path (read and check the file, report.md, the job log, the summary, the
// comment, the step's failure line) and reports its time and peak RSS.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildCommentBody } from '../src/github/comment-body.js'
import { failureReason } from '../src/github/fail-on.js'
import { loadReport } from '../src/gate/gate.js'
import type { Report } from '../src/model.js'
import { renderMarkdown } from '../src/report/markdown.js'
import { present } from '../src/report/present.js'
import { failWithBaselineReport, heapSite } from '../test/fixtures/reports.js'

const MAX_BYTES = 16 * 1024 * 1024
const TEXT = 8192
const REPOSITORY = 'https://github.com/octo/service'

/** `length` characters of what once backtracked, linked, mentioned or hid text. */
function hostile(length: number, seed = 0): string {
  const piece = `${seed} @team #1 GH-3 owner/repo#3 https://evil.example/x www.evil.example mailto:a@b.co |\`*_<img src=x> \u202etuP\u202c\u200b${' '.repeat(40)}/ 1MiB${' '.repeat(40)}/min!`
  return piece.repeat(Math.ceil(length / piece.length)).slice(0, length)
}

/** As many items as fit in MAX_BYTES, at most `max`: the report's size measured with one. */
function fill<T>(report: Report, max: number, item: (i: number) => T, set: (items: T[]) => void): void {
  set([])
  const empty = Buffer.byteLength(JSON.stringify(report))
  // The last item may be the longest (larger numbers).
  const one = Math.max(...[item(0), item(max - 1)].map((x) => Buffer.byteLength(JSON.stringify(x)))) + 1
  const n = Math.min(max, Math.floor((MAX_BYTES - empty - 4096) / one))
  set(Array.from({ length: n }, (_, i) => item(i)))
}

const CASES: Record<string, (r: Report) => void> = {
  'a real report, for scale': () => {},
  'notices, reasons, run notes: 8,192 characters each': (r) => {
    r.reasons = Array.from({ length: 100 }, (_, i) => hostile(TEXT, i))
    r.judgements = []
    r.notices = Array.from({ length: 1000 }, (_, i) => hostile(TEXT, i))
    fill(
      r,
      10_000,
      (i) => hostile(TEXT, i),
      (items) => (r.runs.head.sampleNotes = items)
    )
  },
  '10,000 heap sites': (r) =>
    fill(
      r,
      10_000,
      (i) => heapSite({ function: hostile(500, i), file: hostile(500, i), repoPath: hostile(300, i) }),
      (items) => (r.runs.head.attribution!.heap = items)
    ),
  'heap sites with 8,192-character names': (r) =>
    fill(
      r,
      10_000,
      (i) => heapSite({ function: hostile(TEXT, i), file: hostile(TEXT, i), repoPath: hostile(TEXT, i) }),
      (items) => (r.runs.head.attribution!.heap = items)
    ),
  '10,000 goroutine groups': (r) =>
    fill(
      r,
      10_000,
      (i) => ({
        function: hostile(300, i),
        file: hostile(300, i),
        line: i,
        repoPath: hostile(300, i),
        callPath: [],
        waitReason: hostile(300, i),
        createdBy: hostile(300, i),
        countGrowth: i,
        perSec: 1,
        count: i
      }),
      (items) => (r.runs.head.attribution!.goroutines = items)
    ),
  'call paths 1,000 deep': (r) =>
    fill(
      r,
      10_000,
      (i) =>
        heapSite({
          function: hostile(200, i),
          callPath: Array.from({ length: 1000 }, (_, j) => hostile(60, j))
        }),
      (items) => (r.runs.head.attribution!.heap = items)
    ),
  '200,000 samples a side': (r) => {
    const sample = (t: number) => ({
      t,
      liveHeapBytes: 4e6 + ((t * 7919) % 1e6),
      liveHeapObjects: 1e4,
      goroutines: 12 + (t % 50),
      rssBytes: 2e7
    })
    r.runs.base!.samples = []
    fill(r, 200_000, sample, (items) => (r.runs.head.samples = items))
    r.runs.base!.samples = r.runs.head.samples.slice(0, Math.floor(r.runs.head.samples.length / 2))
    r.runs.head.samples = r.runs.head.samples.slice(r.runs.base!.samples.length)
  },
  'every config value 8,192 characters': (r) => {
    r.config = {}
    fill(
      r,
      200,
      (i) => hostile(TEXT, i),
      (items) => {
        r.config = Object.fromEntries(items.map((v, i) => [i === 0 ? 'max-heap-growth' : `key-${i}`, v]))
      }
    )
  }
}

/** In the child: the comment job's path over one file; prints its time and peak RSS. */
function runCase(path: string): void {
  const out = mkdtempSync(join(tmpdir(), 'memgate-hostile-'))
  const start = performance.now()
  const trusted = { name: 'memgate', repositoryUrl: REPOSITORY, headSha: 'a'.repeat(40), failOn: 'fail' }
  const { report } = loadReport(path, out, trusted)
  const log = renderMarkdown(report, { maxChars: 64 * 1024, trusted })
  const summary = renderMarkdown(report, { maxChars: 256 * 1024, trusted })
  const comment = buildCommentBody(report, {
    name: 'memgate',
    runUrl: `${REPOSITORY}/actions/runs/1`,
    trusted
  })
  failureReason(present(report, trusted), 'memgate', 'fail')
  const ms = performance.now() - start
  const reportMd = readFileSync(join(out, 'report.md')).length
  rmSync(out, { recursive: true, force: true })
  const sizes = { log: log.length, summary: summary.length, comment: comment.length, reportMd }
  console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, sizes }))
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'memgate-hostile-'))
  const self = fileURLToPath(import.meta.url)
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`
  console.log('| case | report.json | time | peak RSS | job log | comment | summary | report.md |')
  console.log('|---|---|---|---|---|---|---|---|')
  try {
    for (const [name, build] of Object.entries(CASES)) {
      const report = failWithBaselineReport()
      build(report)
      const file = join(dir, 'report.json')
      writeFileSync(file, JSON.stringify(report))
      const bytes = readFileSync(file).length
      const result = JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', self, file], {
          encoding: 'utf8',
          maxBuffer: 1 << 20
        })
      ) as { ms: number; maxRssMiB: number; sizes: Record<string, number> }
      const s = result.sizes
      console.log(
        `| ${name} | ${(bytes / 1024 / 1024).toFixed(1)} MiB | ${(result.ms / 1000).toFixed(2)} s | ${result.maxRssMiB.toFixed(0)} MiB | ${kib(s.log)} | ${kib(s.comment)} | ${kib(s.summary)} | ${kib(s.reportMd)} |`
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2]) runCase(process.argv[2])
else main()
