// Pushes a run's gauges to a Prometheus Pushgateway with prom-client's client. A push is a
// by-product: a failure is a warning to print, never an error, and never changes the verdict.
import { performance } from 'node:perf_hooks'
import { Pushgateway, type Registry } from 'prom-client'
import { redactText, redactUrl, stripControl } from '../redact.js'

/** The Pushgateway's job label of every push. */
export const PUSH_JOB = 'go-memgate'
const PUSH_TIMEOUT_MS = 10_000

export interface PushResult {
  /** From the request to the gateway's answer (or the failure), ms. */
  roundTripMs: number
  /** One line naming pushgateway-url when the push failed; absent when it went through. */
  warning?: string
}

/**
 * PUT: the group (job, then `grouping` in order) holds exactly this run afterwards, so a
 * run measured again on the same commit replaces the earlier one.
 */
export async function pushRun(
  registry: Registry,
  gatewayUrl: string,
  grouping: Record<string, string>,
  timeoutMs = PUSH_TIMEOUT_MS
): Promise<PushResult> {
  const gateway = new Pushgateway(gatewayUrl, { timeout: timeoutMs }, registry)
  const started = performance.now()
  try {
    await gateway.push({ jobName: PUSH_JOB, groupings: groupingPath(grouping) })
    return { roundTripMs: performance.now() - started }
  } catch (e) {
    // The gateway's error page is quoted: redacted before the cap, so no cut token shows half.
    const why = stripControl(redactText((e as Error).message))
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200)
    return {
      roundTripMs: performance.now() - started,
      warning: `pushgateway-url: ${redactUrl(gatewayUrl)}: ${why}; the run was not pushed, the verdict stands`
    }
  }
}

/**
 * The grouping key as the Pushgateway reads it from the URL path: a value with a "/" (a
 * repository "owner/name", a branch "feature/x") or an empty one is sent base64url-encoded
 * under "label@base64", as the gateway's own clients do.
 */
export function groupingPath(grouping: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(grouping).map(([label, value]) =>
      value === '' || value.includes('/')
        ? [`${label}@base64`, Buffer.from(value).toString('base64url') || '=']
        : [label, value]
    )
  )
}
