import { gzipSync } from 'node:zlib'
import { Profile as PprofProfile, StringTable } from 'pprof-format'
import { GateError } from '../errors.js'
import { decodeProfile, toNumber } from './decode.js'
import { sampleTypeIndex } from './profile.js'
import { profile } from '../../test/fixtures/profiles.js'
import { marker } from '../../test/fixtures/services.js'

describe('toNumber', () => {
  it('passes numbers through and reads bigints as signed 64-bit', () => {
    expect(toNumber(42)).toBe(42)
    expect(toNumber(2n ** 40n)).toBe(2 ** 40)
    expect(toNumber(2n ** 64n - 5n)).toBe(-5)
  })
})

describe('decodeProfile', () => {
  it("refuses what is not a gzipped profile with a GateError in the decoder's words", () => {
    expect(() => decodeProfile(Buffer.from('<html>502 Bad Gateway</html>'))).toThrow(
      new GateError('not a gzipped pprof profile: incorrect header check')
    )
    expect(() => decodeProfile(gzipSync(Buffer.from([0x0f, 0xff])))).toThrow(
      new GateError('not a pprof profile: Unrecognized value type: 7')
    )
  })

  it('reads a Go heap profile at the default sampling rate', () => {
    const p = profile('heap-leak/default-rate', 'end-heap.pb.gz')
    expect(p.sampleTypes.map((t) => t.type)).toEqual([
      'alloc_objects',
      'alloc_space',
      'inuse_objects',
      'inuse_space'
    ])
    expect(p.periodType).toEqual({ type: 'space', unit: 'bytes' })
    expect(p.period).toBe(512 * 1024)
    expect(p.timeNanos).toBeGreaterThan(1.7e18)
    const leak = marker('heap-leak')
    const handle = p.samples.find((s) => s.stack[0].line === leak.line)!
    expect(handle.stack[0].function).toBe('main.handle')
    expect(handle.stack[0].file.endsWith(leak.file)).toBe(true)
    expect(handle.numLabels.bytes).toBe(4096)
  })

  it('reads values above 2^28, which pprof-format returns as bigint, as numbers', () => {
    // clean allocates 1 MiB a request: gigabytes of alloc_space at one line.
    const p = profile('clean/default-rate', 'end-heap.pb.gz')
    const values = p.samples.flatMap((s) => s.values)
    for (const v of values) expect(typeof v).toBe('number')
    expect(Math.max(...values)).toBeGreaterThan(2 ** 28)
  })

  it('reads an exact heap profile (memprofilerate=1)', () => {
    const p = profile('heap-leak/memprofilerate-1', 'end-heap.pb.gz')
    expect(p.period).toBe(1)
    expect(p.samples.length).toBeGreaterThan(100)
  })

  it('expands inlined calls innermost first', () => {
    // net/http.ListenAndServe is inlined into main.main: one location, two lines.
    const p = profile('heap-leak/default-rate', 'end-goroutine.pb.gz')
    const stack = p.samples
      .map((s) => s.stack.map((f) => f.function))
      .find((fns) => fns.includes('main.main'))!
    const at = stack.indexOf('net/http.ListenAndServe')
    expect(at).toBeGreaterThan(0)
    expect(stack[at - 1]).toBe('net/http.(*Server).ListenAndServe')
    expect(stack[at + 1]).toBe('main.main')
  })

  it('normalises bigint values and resolves strings of a constructed profile', () => {
    const strings = new StringTable()
    const raw = new PprofProfile({
      sampleType: [{ type: strings.dedup('inuse_space'), unit: strings.dedup('bytes') }],
      function: [{ id: 1, name: strings.dedup('main.f'), filename: strings.dedup('/src/main.go') }],
      location: [
        { id: 1, line: [{ functionId: 1, line: 7 }] },
        { id: 2, address: 0x4010 }
      ],
      sample: [
        { locationId: [1, 2], value: [2n ** 40n] },
        { locationId: [1], value: [2n ** 64n - 3n] }
      ],
      period: 2n ** 33n,
      stringTable: strings
    })
    const p = decodeProfile(gzipSync(raw.encode()))
    expect(sampleTypeIndex(p, 'inuse_space')).toBe(0)
    expect(p.period).toBe(2 ** 33)
    expect(p.samples.map((s) => s.values[0])).toEqual([2 ** 40, -3])
    expect(p.samples[0].stack).toEqual([
      { function: 'main.f', file: '/src/main.go', line: 7 },
      { function: '0x4010', file: '', line: 0 }
    ])
  })
})
