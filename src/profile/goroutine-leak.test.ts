import { markProvenLeaks } from './goroutine-leak.js'
import { summarizeGoroutines } from './goroutines.js'
import { profile } from '../../test/fixtures/profiles.js'
import { marker } from '../../test/fixtures/services.js'

describe('markProvenLeaks', () => {
  it('marks the groups the goroutineleak profile proves leaked, and only those', () => {
    const run = 'goroutine-leak/leakprofile'
    const leaked = summarizeGoroutines(profile(run, 'end-goroutineleak.pb.gz'))
    const groups = markProvenLeaks(summarizeGoroutines(profile(run, 'end-goroutine.pb.gz')).groups, leaked)
    expect(groups.filter((g) => g.provenLeaked).map((g) => [g.function, g.line])).toEqual([
      ['main.awaitResult', marker('goroutine-leak').line]
    ])
    expect(groups.length).toBeGreaterThan(1)
  })

  it('proves nothing with an empty leak profile', () => {
    const groups = summarizeGoroutines(profile('clean/default-rate', 'end-goroutine.pb.gz')).groups
    expect(markProvenLeaks(groups, { total: 0, groups: [] }).some((g) => g.provenLeaked)).toBe(false)
  })
})
