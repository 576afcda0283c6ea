// The action: run the gate (or load an earlier report), then report it to GitHub.
import * as core from '@actions/core'
import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, describeConfig, secretValues, type Config } from './config.js'
import { loadReport, runGate, type GateResult } from './gate/gate.js'
import { GateError } from './errors.js'
import { annotate } from './github/annotations.js'
import { uploadOutput } from './github/artifact.js'
import { postComment } from './github/comment.js'
import { buildCommentBody } from './github/comment-body.js'
import { readRunContext, type RunContext } from './github/context.js'
import { failureReason } from './github/fail-on.js'
import { getConfig, readRawInputs } from './github/input-helper.js'
import { createOctokit } from './github/octokit.js'
import { setOutputs } from './github/outputs.js'
import { resolvePullRequest, writePullRequestFile } from './github/pull-request.js'
import { writeSummary } from './github/summary.js'
import { logText, untrustedBlock } from './github/untrusted.js'
import { redactText, stripControl } from './redact.js'
import { renderMarkdown } from './report/markdown.js'
import { present } from './report/present.js'
import type { Trusted } from './report/view.js'
import type { Log, Report } from './model.js'

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
  logReport(report, config.name, trusted)
  await writeSummary(report, trusted)
  if (config.mode !== 'comment') annotate(report)

  const commentUrl = config.mode === 'analyze' ? undefined : await comment(config, context, report, trusted)
  setOutputs(
    report,
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

  // The view's reasons are made from the judgements' numbers; the control characters go all the same.
  const view = present(report, trusted)
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

function logReport(report: Report, name: string, trusted: Trusted | undefined): void {
  core.startGroup(`go-memgate (${name}): ${report.verdict}`)
  core.info(untrustedBlock(renderMarkdown(report, { maxChars: LOG_MAX_CHARS, trusted })))
  core.endGroup()
}

/** Writes the sticky comment; a refusal (fork's read-only token, 403) is a warning, never a failure. */
async function comment(
  config: Config,
  context: RunContext,
  report: Report,
  trusted: Trusted | undefined
): Promise<string | undefined> {
  if (config.comment === 'never') return undefined
  try {
    const octokit = createOctokit(config.githubToken)
    const pr = await resolvePullRequest(octokit, context, config.reportJson)
    if (pr.number === null) {
      core.info(`No PR comment: ${pr.why}`)
      return undefined
    }
    const target = { owner: context.owner, repo: context.repo, issueNumber: pr.number }
    const body = buildCommentBody(report, { name: config.name, runUrl: context.runUrl, trusted })
    const result = await postComment(octokit, target, {
      name: config.name,
      body,
      report,
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
