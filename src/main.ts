// The action: run the gate (or load an earlier report), then report it to GitHub.
import * as core from '@actions/core'
import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, describeConfig, secretValues, type Config } from './config.js'
import { loadReport, loadReports, namesSeveral, runGate, type GateResult } from './gate/gate.js'
import { GateError } from './errors.js'
import { annotate } from './github/annotations.js'
import { uploadOutput } from './github/artifact.js'
import { combinedState, postComment, reportState, type CommentState } from './github/comment.js'
import { buildCombinedCommentBody, buildCommentBody } from './github/comment-body.js'
import { readRunContext, type RunContext } from './github/context.js'
import { combinedFailureReason, failureReason } from './github/fail-on.js'
import { getConfig, readRawInputs } from './github/input-helper.js'
import { createOctokit } from './github/octokit.js'
import { setOutputs } from './github/outputs.js'
import { resolvePullRequest, writePullRequestFile } from './github/pull-request.js'
import { writeSummary } from './github/summary.js'
import { logText, untrustedBlock } from './github/untrusted.js'
import { redactText, stripControl } from './redact.js'
import { renderCombinedMarkdown } from './report/combined-markdown.js'
import { renderMarkdown } from './report/markdown.js'
import { present } from './report/present.js'
import type { Trusted } from './report/view.js'
import type { Log } from './model.js'

export async function run(): Promise<void> {
  // A cancelled job gets SIGINT, then SIGTERM: abort so the engine ends the
  // service and the load before the runner's SIGKILL, then fail as cancelled.
  const abort = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!abort.signal.aborted) core.warning(`${signal}: stopping the service and the load`)
    abort.abort(new GateError(`cancelled by ${signal}`))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    await gateStep(abort.signal)
  } catch (error) {
    fail(abort.signal.aborted ? abort.signal.reason : error)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The step: inputs read once, the gate run (or a report loaded), then everything published. */
async function gateStep(signal: AbortSignal): Promise<void> {
  const raw = readRawInputs()
  const config = getConfig(raw)
  // Logs are masked by the runner once it knows the values.
  for (const secret of secretValues(config)) core.setSecret(secret)
  const context = readRunContext()
  const outDir = join(process.env['RUNNER_TEMP'] || tmpdir(), 'go-memgate', config.name)
  // A second step with the same name must not upload the first one's profiles.
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })

  // In comment mode the report is a fork's: its name, commits and config are only its word.
  const trusted: Trusted | undefined =
    config.mode === 'comment'
      ? {
          name: config.name,
          repositoryUrl: context.repositoryUrl,
          headSha: context.headSha,
          failOn: config.failOn
        }
      : undefined
  if (trusted && namesSeveral(config.reportJson as string))
    return combinedStep(config, context, trusted, outDir)
  let result: GateResult
  if (trusted) {
    result = loadReport(config.reportJson as string, outDir, trusted)
  } else {
    const repoRoot = process.env['GITHUB_WORKSPACE'] || process.cwd()
    result = await runGate(config, {
      outDir,
      repoRoot,
      configRecord: describeConfig(raw),
      log: actionLog,
      warn: (line) => core.warning(forLog(line)),
      env: process.env,
      signal,
      ...(context.repositoryUrl ? { repositoryUrl: context.repositoryUrl } : {}),
      ...(context.pullRequestMerge ? { pullRequestMerge: context.pullRequestMerge } : {}),
      ...(context.action ? { action: context.action } : {})
    })
    writePullRequestFile(outDir, context)
  }
  const { report } = result
  logReport(
    renderMarkdown(report, { maxChars: LOG_MAX_CHARS, trusted }),
    `go-memgate (${config.name}): ${report.verdict}`
  )
  await writeSummary((maxChars) => renderMarkdown(report, { maxChars, trusted }))
  if (config.mode !== 'comment') annotate(report)

  // The view's reasons are made from the judgements' numbers; the control characters go all the same.
  const view = present(report, trusted)
  const commentUrl =
    config.mode === 'analyze'
      ? undefined
      : await comment(config, context, {
          body: () => buildCommentBody(report, { name: config.name, runUrl: context.runUrl, trusted }),
          state: reportState(report),
          reportJson: config.reportJson
        })
  setOutputs(
    view,
    { reportJson: result.reportJsonPath, reportMarkdown: result.reportMarkdownPath },
    commentUrl
  )

  if (config.mode !== 'comment') {
    try {
      await uploadOutput(outDir, config.name, config.uploadArtifact)
    } catch (error) {
      core.warning(forLog(`Could not upload the artifact: ${(error as Error).message}`))
    }
  }

  const reason = failureReason(view, config.name, config.failOn)
  if (reason) core.setFailed(stripControl(reason))
  else if (view.failOnNote) core.warning(`go-memgate (${config.name}): ${report.verdict}: ${view.failOnNote}`)
  else core.info(logText(`go-memgate (${config.name}): ${report.verdict}`))
}

/**
 * The gate's log: each side's warm-up and samples folded in a group of the job's log. The
 * runner masks only the values registered with setSecret: secrets by shape are hidden here.
 * Lines may quote a base's output: fenced from the runner's command parser.
 */
const actionLog: Log = (line, event) => {
  if (event?.kind === 'group-start') core.startGroup(forLog(line))
  else if (event?.kind === 'group-end') core.endGroup()
  else core.info(logText(redactText(line)))
}

/** The job log gets the comment's first sections at most: a fork's 15 MB report wrote 24–78 MB there. */
const LOG_MAX_CHARS = 64 * 1024

function logReport(markdown: string, title: string): void {
  core.startGroup(title)
  core.info(untrustedBlock(markdown))
  core.endGroup()
}

/**
 * `mode: comment` with several report.json files (a matrix of `analyze` jobs, one a service):
 * one comment, a row a service, and a check that fails when any service fails as `fail-on` says.
 */
async function combinedStep(
  config: Config,
  context: RunContext,
  trusted: Trusted,
  outDir: string
): Promise<void> {
  const { view, paths, reportMarkdownPath } = loadReports(config.reportJson as string, outDir, trusted)
  for (const s of view.services) if (s.problem !== null) core.error(forLog(s.problem))
  logReport(renderCombinedMarkdown(view, { maxChars: LOG_MAX_CHARS, trusted }), view.headline)
  await writeSummary((maxChars) => renderCombinedMarkdown(view, { maxChars, trusted }))
  const commentUrl = await comment(config, context, {
    body: () => buildCombinedCommentBody(view, { runUrl: context.runUrl, trusted }),
    state: combinedState(view.verdict, view.services),
    reportJson: paths[0]
  })
  setOutputs(view, { reportJson: paths.join('\n'), reportMarkdown: reportMarkdownPath }, commentUrl)
  const reason = combinedFailureReason(view, config.failOn)
  if (reason) core.setFailed(stripControl(reason))
  for (const s of view.services)
    if (s.view?.failOnNote && !reason)
      core.warning(`go-memgate (${s.name}): ${s.verdict}: ${s.view.failOnNote}`)
  if (!reason) core.info(logText(view.headline))
}

/** Writes the sticky comment; a refusal (fork's read-only token, 403) is a warning, never a failure. */
async function comment(
  config: Config,
  context: RunContext,
  what: { body: () => string; state: CommentState; reportJson: string | null }
): Promise<string | undefined> {
  if (config.comment === 'never') return undefined
  try {
    const octokit = createOctokit(config.githubToken)
    const pr = await resolvePullRequest(octokit, context, what.reportJson)
    if (pr.number === null) {
      core.info(`No PR comment: ${pr.why}`)
      return undefined
    }
    const target = { owner: context.owner, repo: context.repo, issueNumber: pr.number }
    const result = await postComment(octokit, target, {
      name: config.name,
      body: what.body(),
      state: what.state,
      policy: config.comment
    })
    core.info(
      result.url ? `PR comment ${result.action}: ${result.url}` : `No PR comment written: ${result.reason}`
    )
    return result.url
  } catch (error) {
    const status = (error as { status?: number }).status
    const hint =
      status === 403
        ? ' The token may not write to pull requests (a fork, or missing `pull-requests: write`); the report is in the job summary.'
        : ''
    core.warning(forLog(`Could not write the PR comment: ${(error as Error).message}.${hint}`))
    return undefined
  }
}

/** Text for the job log from an error or a warning: secrets by shape hidden, no control characters. */
const forLog = (text: string): string => stripControl(redactText(text))

/** One line for the user; a stack only in the debug log. */
function fail(error: unknown): void {
  if (error instanceof ConfigError) {
    core.setFailed(forLog(`Invalid input: ${error.message}`))
  } else if (error instanceof GateError) {
    // The detail is what the compiler or the service printed: it must not run workflow commands.
    if (error.detail) core.info(untrustedBlock(redactText(error.detail)))
    core.setFailed(forLog(error.message))
  } else {
    const err = error instanceof Error ? error : new Error(String(error))
    if (err.stack) core.debug(err.stack)
    core.setFailed(forLog(`go-memgate failed: ${err.message}`))
  }
}
