// Whether the load reached the service's own code, in words (analysis/load-reach.ts).
import type { LoadReach } from '../model.js'
import { formatBytes } from '../units.js'

const perSec = (bytes: number) => `${formatBytes(bytes)}/s`

/** What the service allocated while sampling, for a load-command's line in place of a request count. */
export function describeAllocation(r: LoadReach): string {
  return `the service allocated ${perSec(r.allocBytesPerSec)} while sampling, ${perSec(r.ownAllocBytesPerSec)} of it through its own code beyond what that code does idle (idle before the load: ${perSec(r.idleAllocBytesPerSec)}, ${perSec(r.idleOwnAllocBytesPerSec)} through its own code)`
}

/** The judgement 'load-missed-code': what was measured, and what to check. */
export function describeLoadMissed(r: LoadReach): string {
  return (
    `the load made no measurable difference to the service's own code: while sampling it allocated ${perSec(r.ownAllocBytesPerSec)} through its module's code beyond what that code does idle (${perSec(r.idleOwnAllocBytesPerSec)} over ${r.idleSec.toFixed(0)}s before the load), ` +
    `though the service allocated ${perSec(r.allocBytesPerSec)} in all (${perSec(r.idleAllocBytesPerSec)} idle); ` +
    'requests answered by a 404 or a redirect, or sent to another service, reach no code that could leak: check target-url or the URL the load-command requests, and what it answers'
  )
}
