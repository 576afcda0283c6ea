// A run's notes (model.ts RunNote) in words: what was dropped or could not be read, and
// how the readings were taken when that limits what the run can say.
import type { Run, RunNote } from '../model.js'

function describe(note: RunNote): string {
  const error = note.error ?? 'no reason given'
  switch (note.kind) {
    case 'sample-dropped':
      return `sample ${note.sample} at ${(note.atSec ?? 0).toFixed(1)}s dropped after a retry: ${error}`
    case 'samples-late':
      return `${note.count} samples were taken more than one interval late (the service or this machine was slow to answer); their times are the real ones`
    case 'rss-unavailable':
      return `RSS is not read on ${note.platform}: only Linux (/proc) and macOS (ps) give it`
    case 'goroutine-dump-unread':
      return `goroutine?debug=2 could not be read: ${error}`
    case 'goroutine-leak-profile-unread':
      return `goroutineleak profile could not be read: ${error}`
    case 'metrics-goroutines-differ':
      return `metrics-url reports ${note.metricsGoroutines} goroutines where pprof-url reports ${note.pprofGoroutines}: do both belong to the service that was measured?`
    case 'metrics-unread':
      return `metrics-url could not be read for a cross-check: ${error}`
    case 'load-ended-early':
      return 'the load-command ended before sampling did: growth after it ended was measured without load'
  }
}

/** What a reader of a run measured through /metrics must know. */
function metricsSource(heapGauge: string): string {
  return `read from the service's /metrics (${heapGauge}): without pprof no GC is forced before a reading, so the live heap counts garbage not yet collected and scatters far more; the smallest catchable leak above says what that costs, and naming the leaking line needs net/http/pprof`
}

/** Each note of the run in a line; a note from a report written before notes were data is its text. */
export function describeRunNotes(run: Run): string[] {
  const notes = run.sampleNotes.map((n) =>
    typeof n === 'string' ? n : n.repeat === undefined ? describe(n) : `repeat ${n.repeat}: ${describe(n)}`
  )
  return run.source.kind === 'metrics' ? [...notes, metricsSource(run.source.heapGauge)] : notes
}
