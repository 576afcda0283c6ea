// The comment renderer through GitHub's parser: hostile reports rendered as comment mode posts
// them, then by cmark-gfm, a batch of documents a python process (one a case would take
// minutes); the HTML must hold no link, element, mention, reference or invisible character
// from the report's text (test/github/cmark.ts).
import fc from 'fast-check'
import { liveInHtml, renderGfm } from '../github/cmark.js'
import { hostileReport, renderers } from './properties.js'
import { buildCommentBody } from '../../src/github/comment-body.js'

/** Documents a python process renders. */
const BATCH = 500

/** The repository the event names; the only one the comment may link to. */
const REPOSITORY = 'https://github.com/octo/service'

export interface CommentFuzz {
  cases: number
  findings: string[]
  seconds: number
}

export function fuzzComment(runs: number, seed: number): CommentFuzz {
  const start = performance.now()
  const findings: string[] = []
  const inputs = fc.sample(renderers.arbitrary, { numRuns: runs, seed })
  for (let i = 0; i < inputs.length; i += BATCH) {
    const reports = inputs.slice(i, i + BATCH).map(hostileReport)
    // Comment mode, the head confirmed by the event: lines are linked, into this repository only.
    const html = renderGfm(
      reports.map((r) =>
        buildCommentBody(r, {
          name: 'memgate',
          runUrl: `${REPOSITORY}/actions/runs/1`,
          trusted: {
            name: 'memgate',
            repositoryUrl: REPOSITORY,
            headSha: r.runs.head.commit ?? null,
            failOn: 'fail'
          }
        })
      )
    )
    for (const [j, h] of html.entries()) {
      const live = liveInHtml(h, (href) => href.startsWith(`${REPOSITORY}/`))
      if (live) findings.push(`case ${i + j} (seed ${seed}): ${live}`)
    }
  }
  return { cases: inputs.length, findings, seconds: (performance.now() - start) / 1000 }
}
