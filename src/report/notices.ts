// What the report says first when the comparison is not what was asked for.
import type { BaselineMissing, StoredInputDiffers } from '../model.js'

function why(b: BaselineMissing): string {
  switch (b.why) {
    case 'no-shared-history':
      return `HEAD and ${b.baseRef} share no history (a first commit or unrelated branches)`
    case 'no-folder':
      return `the merge-base ${b.commit.slice(0, 12)} of HEAD and ${b.baseRef} has no ${b.folder} folder`
    case 'base-failed':
      return `the merge-base ${b.commit?.slice(0, 12)} could not be measured: ${b.error}`
  }
}

export function describeBaselineMissing(b: BaselineMissing): string {
  return `No baseline: ${why(b)}. The verdict rests on the absolute limits alone.`
}

export function describeStoredInputDiffers(d: StoredInputDiffers): string {
  return `the baseline ${d.path} was measured with ${d.input} "${d.then}", this run with "${d.now}": part of the difference may come from that alone`
}

/**
 * pprof on the API's own server (`pprof-url` at `target-url`'s host and port). One process
 * either way: `npm run bench:pprof-port` found the same verdicts and heap slopes within about
 * one interval half-width; what a port of its own keeps apart is who can reach /debug/pprof/
 * once the service is deployed.
 */
export function describePprofOnApiServer(address: string): string {
  return `pprof is served on the API's own address (${address}, as target-url): memgate reads the same process either way, but deployed like this the service shows /debug/pprof/ (heap contents, CPU profiles on demand) to whoever reaches its API; serve pprof on a port of its own, bound to 127.0.0.1`
}
