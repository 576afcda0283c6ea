// The comment renderer through GitHub's parser: hostile reports rendered as comment mode posts
// them, then by cmark-gfm, a batch of documents a python process (one a case would take
// minutes); the HTML must hold no link, element, mention, reference or invisible character
// from the report's text (test/github/cmark.ts).
import fc from 'fast-check'
import { liveInHtml, renderGfm } from '../github/cmark.js'
import { hostileReport, renderers } from './properties.js'
import { renderMarkdown } from '../../src/report/markdown.js'

/** Documents a python process renders. */
const BATCH = 500

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
    const html = renderGfm(reports.map((r) => renderMarkdown(r)))
    const repository = reports[0].source!.repositoryUrl
    for (const [j, h] of html.entries()) {
      const live = liveInHtml(h, (href) => href.startsWith(`${repository}/`))
      if (live) findings.push(`case ${i + j} (seed ${seed}): ${live}`)
    }
  }
  return { cases: inputs.length, findings, seconds: (performance.now() - start) / 1000 }
}
