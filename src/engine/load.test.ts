import type { GeneratorCounts } from './load-generator.js'
import { earlyLoadFailure } from './load.js'

const URL = 'http://127.0.0.1:8080/x'
const counts = (settled: number, errorsByKind: Record<string, number>): GeneratorCounts => {
  const errors = Object.values(errorsByKind).reduce((a, b) => a + b, 0)
  return {
    responses: settled,
    errors,
    firstError: Object.keys(errorsByKind)[0] ?? null,
    settled,
    errorsByKind
  }
}

describe('earlyLoadFailure', () => {
  it('names target-url and what most of the first requests got', () => {
    expect(earlyLoadFailure(URL, counts(190, { 'HTTP 404': 180, 'HTTP 500': 4 }), 2.1)).toBe(
      'target-url: http://127.0.0.1:8080/x answered HTTP 404 to 180 of 190 requests in the first 2s; point target-url at an endpoint of the service'
    )
    expect(earlyLoadFailure(URL, counts(12, { ECONNREFUSED: 12 }), 2)).toBe(
      'target-url: http://127.0.0.1:8080/x failed with ECONNREFUSED on 12 of 12 requests in the first 2s; point target-url at an endpoint of the service'
    )
  })

  it('lets the load go on when at most half of the requests failed', () => {
    expect(earlyLoadFailure(URL, counts(200, { 'HTTP 503': 100 }), 2)).toBeNull()
    expect(earlyLoadFailure(URL, counts(200, {}), 2)).toBeNull()
  })
})
