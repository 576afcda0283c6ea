// The words of the known leak signatures (analysis/signatures.ts): the cause and the fix,
// said in one line with the service's line to change.
import type { LeakSignature, SignatureKind } from '../model.js'
import type { Line, Span } from './view.js'

interface SignatureWords {
  /** What the service does wrong, as a clause. */
  cause: string
  /** What to do instead, imperative. */
  fix: string
}

const SIGNATURE_WORDS: Record<SignatureKind, SignatureWords> = {
  'response-body-not-closed': {
    cause: 'an HTTP response body is not closed, so each request keeps its connection open',
    fix: 'close it after reading (defer resp.Body.Close())'
  },
  'transport-per-request': {
    cause:
      'a new http.Transport (or a Client with its own) is made per request, each keeping its connections',
    fix: 'make one Transport or Client at startup and share it'
  },
  'context-not-cancelled': {
    cause: 'a context made with WithCancel/WithTimeout is never cancelled, so its long-lived parent keeps it',
    fix: 'call its cancel when the work is done (defer cancel())'
  },
  'timer-not-stopped': {
    cause:
      'a timer (time.AfterFunc/NewTimer/NewTicker) is never stopped, so the runtime keeps it and what it holds',
    fix: 'keep it and Stop it when the work is done'
  },
  'request-kept': {
    cause: 'something keeps each *http.Request reachable after its handler returns',
    fix: 'keep only the values needed, or delete the entry when the handler returns'
  },
  'write-syncer-not-stopped': {
    cause:
      'a zap BufferedWriteSyncer is made per logger and never stopped, its buffer and flush goroutine kept',
    fix: 'make one at startup and call its Stop on shutdown'
  },
  'sql-open-per-request': {
    cause:
      'a database handle (sql.Open) is opened per request and never closed, each keeping its connection opener goroutine and its connections',
    fix: 'open one sql.DB at start and share it'
  },
  'rows-not-closed': {
    cause:
      'rows are not closed, so each query keeps a connection (and a database server process) and the pool grows without bound',
    fix: 'defer rows.Close()'
  },
  'metric-label-unbounded': {
    cause: 'a metric vector gets a new label value per request, a new series each',
    fix: 'use labels with a bounded set of values (no IDs, paths or users)'
  },
  'grpc-conn-per-request': {
    cause:
      'a gRPC ClientConn is made per request and never closed, each keeping its connection and goroutines',
    fix: 'make one at startup and share it (or defer conn.Close())'
  },
  'tracer-provider-per-request': {
    cause:
      'an OpenTelemetry TracerProvider is made per request and never shut down, each keeping its batch span processor goroutine and queue',
    fix: 'make one at startup and call its Shutdown on exit'
  }
}

/**
 * "Known misuse: an HTTP response body is not closed, …: close it after reading (main.go:82)".
 * `at` is the service's line, shown as the view shows lines; null when none links to it.
 */
export function signatureLine(s: LeakSignature, at: Span | null): Line {
  const { cause, fix } = SIGNATURE_WORDS[s.kind]
  return ['Known misuse: ', `${cause}: ${fix}`, ...(at ? [' (', at, ')'] : [])]
}

/** The annotation's title and message at the service's line. */
export function signatureAnnotation(gate: string, s: LeakSignature): { title: string; message: string } {
  const { cause, fix } = SIGNATURE_WORDS[s.kind]
  return {
    title: `go-memgate (${gate}): known misuse`,
    message: `${cause[0].toUpperCase()}${cause.slice(1)}: ${fix}.`
  }
}
