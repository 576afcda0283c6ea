// The one orchestrator behind the CLI and the action, in the manner of pprof's
// driver.PProf: config -> sides (measure) -> analyse -> judge -> report.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { baseGrowth, compareRuns, needsAnotherPair, nothingJudged } from '../analysis/comparison.js'
import { chargeHeapToGoroutines } from '../analysis/goroutines-own.js'
import { loadMissedCode } from '../analysis/load-reach.js'
import { combine, judgeEachOnChange, judgeGrowth } from '../analysis/verdict.js'
import { reportPaths } from '../baseline/report-paths.js'
import { readReportFile, readStoredBaseline } from '../baseline/stored.js'
import { ConfigError, secretValues, type Config } from '../config.js'
import { resolveModuleDir } from '../engine/build.js'
import { checkModuleFolder } from '../engine/module-folder.js'
import { withOutDirLock, writeOutput } from '../engine/out-dir.js'
import { assertSupportedPlatform } from '../engine/processes.js'
import { pushRun } from '../engine/pushgateway.js'
import type { RunContext } from '../engine/run-context.js'
import { GateError, OutputError } from '../errors.js'
import type { ActionRef, Log, PullRequestMerge, Report, Run } from '../model.js'
import { Redactor } from '../redact.js'
import { describeBaseGrowth, describePerRequest } from '../report/judgement.js'
import { renderCombinedMarkdown } from '../report/combined-markdown.js'
import { presentCombined, type CombinedView, type ServiceReport } from '../report/combined.js'
import { renderMarkdown } from '../report/markdown.js'
import type { Trusted } from '../report/view.js'
import { renderOpenMetrics, runLabels, runRegistry, type RunExport } from '../report/openmetrics.js'
import {
  describeBaselineMissing,
  describePprofOnApiServer,
  describeStoredInputDiffers
} from '../report/notices.js'
import { buildReport } from '../report/report.js'
import { planJudging, pprofSharedAddress } from './plan.js'
import { measureOnceWith } from './run.js'
import { gitSeams, measureSides, type SidesSeams } from './sides.js'
import { readSource } from './source-link.js'

/** `report-json` naming several reports (a list or a glob) makes one comment of them. */
export { namesSeveral } from '../baseline/report-paths.js'

export interface GateOptions {
  /** Where report.json, report.md, raw profiles and logs go. */
  outDir: string
  /** The repository root: working-directory is relative to it, annotations too. */
  repoRoot: string
  /** The resolved inputs as written, for report.json. */
  configRecord: Record<string, string>
  log: Log
  /** A problem the user should see that does not change the verdict (a failed push); default: log. */
  warn?: (line: string) => void
  /** The runner's variables, for the labels of exported runs (repository, branch, commit). */
  env?: Record<string, string | undefined>
  signal?: AbortSignal
  /** The repository's web address, for links to lines ("https://github.com/acme/shop"); else the origin remote's. */
  repositoryUrl?: string
  /** On a pull_request event, GitHub's merge commit and the PR's head: links name the head. */
  pullRequestMerge?: PullRequestMerge
  /** The action as the workflow used it, for report.json and the reproduce line. */
  action?: ActionRef
  /** Fakes of the measuring and of git, for tests; default: the engine and git. */
  seams?: Partial<SidesSeams>
}

export interface GateResult {
  report: Report
  reportJsonPath: string
  reportMarkdownPath: string
}

export function runGate(config: Config, options: GateOptions): Promise<GateResult> {
  return withRedactor(config, options, (redactor, redacted) =>
    withOutDirLock(options.outDir, () => gate(config, redacted, redactor))
  )
}

/** Options whose log and warn hide secrets in every line, as withRedactor hands them on. */
type Redacted<O> = O & { warn: (line: string) => void }

/**
 * Runs `work` with the config's secrets to hide: it gets a log and a warn that hide them in
 * every line, so that no stage can forget to, and the error it may throw is hidden too.
 */
export async function withRedactor<T, O extends { log: Log; warn?: (line: string) => void }>(
  config: Config,
  options: O,
  work: (redactor: Redactor, redacted: Redacted<O>) => Promise<T>
): Promise<T> {
  const redactor = new Redactor(secretValues(config))
  const { log, warn = log } = options
  try {
    return await work(redactor, {
      ...options,
      log: (line, event) => log(redactor.redact(line), event),
      warn: (line) => warn(redactor.redact(line))
    })
  } catch (e) {
    throw redactError(e, redactor.redact)
  }
}

/** An error for the user without the secrets that its message or detail may quote. */
function redactError(e: unknown, redact: (text: string) => string): unknown {
  if (e instanceof OutputError) return new OutputError(redact(e.path), redact(e.problem))
  if (e instanceof GateError) return new GateError(redact(e.message), e.detail && redact(e.detail))
  if (e instanceof ConfigError) return new ConfigError(redact(e.message))
  return e
}

async function gate(config: Config, options: Redacted<GateOptions>, redactor: Redactor): Promise<GateResult> {
  assertSupportedPlatform()
  const moduleDir = resolveModuleDir(options.repoRoot, config.workingDirectory)
  if (!existsSync(moduleDir))
    throw new ConfigError(`working-directory: ${moduleDir} does not exist; give the folder of the Go module`)
  if (!config.buildCommand) checkModuleFolder(moduleDir, options.repoRoot, process.env)
  // A stored baseline is read before anything is built: a wrong path fails in a second.
  const stored =
    config.baseline.kind === 'report' ? readStoredBaseline(config.baseline.path, options.configRecord) : null
  const { absolute, increase, spread, onChange } = planJudging(config, stored !== null)
  const judge = (head: Run, base: Run | null) => {
    const vsBase = base ? compareRuns(head, base, increase, spread) : null
    const againstLimits = [
      judgeGrowth('heap', head, absolute.heap),
      judgeGrowth('goroutines', head, absolute.goroutines)
    ].filter((j) => j !== null)
    const judgements = chargeHeapToGoroutines(
      [
        ...(base && vsBase && onChange
          ? judgeEachOnChange(againstLimits, baseGrowth(base, absolute, increase), vsBase.judgements)
          : againstLimits),
        ...(vsBase?.judgements ?? [])
      ],
      head
    )
    return { vsBase, judgements }
  }
  const ctx: RunContext = { log: options.log, redact: redactor.redact, signal: options.signal }
  const sides = await measureSides(config, moduleDir, ctx, {
    ...gitSeams,
    measureOnce: measureOnceWith(config, options.outDir, ctx),
    ...options.seams,
    needsAnotherPair: (head, base) => needsAnotherPair(judge(head, base).judgements)
  })
  const head = sides.head
  const base = stored?.run ?? sides.base
  const { vsBase, judgements } = judge(head, base)
  if (judgements.length === 0) judgements.push(nothingJudged(config.baseline.kind !== 'none' && !base))
  const loadMissed = loadMissedCode(head)
  if (loadMissed) judgements.push(loadMissed)
  const { verdict, judgements: ordered } = combine(judgements)
  const source = await readSource(moduleDir, {
    repositoryUrl: options.repositoryUrl,
    headCommit: head.commit,
    pullRequestMerge: options.pullRequestMerge
  })
  const sharedAddress = pprofSharedAddress(config, Boolean(options.configRecord['target-url']))
  const report = buildReport({
    name: config.name,
    verdict,
    judgements: ordered,
    notices: [
      ...(sides.baselineMissing ? [describeBaselineMissing(sides.baselineMissing)] : []),
      ...(stored?.inputsDiffer ?? []).map(describeStoredInputDiffers),
      ...(base ? baseGrowth(base, absolute, increase).map((g) => describeBaseGrowth(g, onChange)) : []),
      ...(vsBase?.comparison.perRequest ? [describePerRequest(vsBase.comparison.perRequest)] : []),
      ...(sharedAddress && head.source.kind === 'pprof' ? [describePprofOnApiServer(sharedAddress)] : [])
    ],
    config: options.configRecord,
    head,
    ...(base ? { base, comparison: vsBase?.comparison } : {}),
    createdAt: new Date(),
    source,
    action: options.action
  })
  // report.json goes into the artifact and the comment, which GitHub does not mask.
  const redacted = redactor.redactJson(report)
  await exportRun(redacted, config, options, redactor)
  if (options.signal?.aborted) throw new GateError('cancelled')
  return writeReport(redacted, options.outDir)
}

/**
 * The run as OpenMetrics text in the artifact, and pushed to a Pushgateway when asked: teams
 * plot growth across commits. A push that fails is a warning; the verdict stands.
 */
async function exportRun(
  report: Report,
  config: Config,
  options: Redacted<GateOptions>,
  redactor: Redactor
): Promise<void> {
  const run: RunExport = {
    // From the runner's variables: a branch name is text anyone could have written.
    labels: redactor.redactJson(runLabels(report, options.env ?? {})),
    detectableGrowthPerSec: Object.fromEntries(
      Object.entries(report.runs.head.detectable).map(([series, d]) => [series, d.perSec])
    )
  }
  writeOutput(join(options.outDir, 'metrics.txt'), await renderOpenMetrics(report, run))
  if (!config.pushgatewayUrl) return
  const pushed = await pushRun(runRegistry(report, run), config.pushgatewayUrl, {
    name: report.name,
    ...run.labels
  })
  if (!pushed.warning) options.log(`pushed to the Pushgateway in ${pushed.roundTripMs.toFixed(0)} ms`)
  if (pushed.warning) options.warn(pushed.warning)
}

function writeReport(report: Report, outDir: string): GateResult {
  const reportJsonPath = join(outDir, 'report.json')
  const reportMarkdownPath = join(outDir, 'report.md')
  writeOutput(reportMarkdownPath, renderMarkdown(report))
  writeOutput(reportJsonPath, JSON.stringify(report, null, 2) + '\n')
  return { report, reportJsonPath, reportMarkdownPath }
}

/**
 * `mode: comment`: a report.json made earlier (by untrusted code, in the fork-safe pair),
 * rendered again, as the comment is: its links go to this run's repository or nowhere (the
 * address in the file is the untrusted code's to choose), its commits linked only when the
 * event confirms them, and no command is offered from its config.
 */
export function loadReport(reportJson: string, outDir: string, trusted: Trusted): GateResult {
  const reportJsonPath = resolve(reportJson)
  const report = readForComment(reportJsonPath, trusted)
  const reportMarkdownPath = join(outDir, 'report.md')
  // What the comment says, the report-markdown output says: only what the event confirms.
  writeOutput(reportMarkdownPath, renderMarkdown(report, { trusted }))
  return { report, reportJsonPath, reportMarkdownPath }
}

/**
 * `mode: comment` with several services (a matrix of `analyze` jobs): each report read as
 * one is; one that cannot be read is kept as a failed row naming the file, so the others
 * are still posted and the check still fails.
 */
export function loadReports(
  reportJson: string,
  outDir: string,
  trusted: Trusted
): { view: CombinedView; paths: string[]; reportMarkdownPath: string } {
  const paths = reportPaths(reportJson, process.cwd())
  const services = paths.map((path): ServiceReport => {
    if (!existsSync(path))
      return {
        path,
        problem: `report-json: no ${path}: the job measuring this service wrote none (it stopped before a verdict), or its artifact was not downloaded here`
      }
    try {
      return { path, report: readForComment(path, trusted) }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      return { path, problem: error.message }
    }
  })
  const view = presentCombined(services, trusted)
  const reportMarkdownPath = join(outDir, 'report.md')
  writeOutput(reportMarkdownPath, renderCombinedMarkdown(view, { trusted }))
  return { view, paths, reportMarkdownPath }
}

/** Its links go to this run's repository or nowhere: the address in the file is the untrusted code's to choose. */
function readForComment(path: string, trusted: Trusted): Report {
  const { source, ...loaded } = readReportFile(path, 'report-json')
  const repositoryUrl = trusted.repositoryUrl
  return source && repositoryUrl ? { ...loaded, source: { ...source, repositoryUrl } } : loaded
}
