import type { HeapSite } from '../model.js'
import { reallocatingSite } from './container.js'

/** A site of main.go as attribution.ts lists it, with its growth in bytes and objects. */
const site = (line: number, bytes: number, objects: number, more: Partial<HeapSite> = {}): HeapSite => ({
  function: 'main.handle',
  file: '/src/svc/main.go',
  line,
  repoPath: 'main.go',
  callPath: [],
  inuseBytesGrowth: bytes,
  inuseObjectsGrowth: objects,
  bytesPerSec: bytes / 60,
  withinNoise: false,
  ...more
})

describe('reallocatingSite', () => {
  it('sees growth held by a few large arrays at one site: a map, a buffer, a slice of values', () => {
    // As captured from map-leak (26 tables), buffer-leak and slice-leak (one array replaced by a larger).
    expect(reallocatingSite([site(40, 2_406_652, 26), site(43, 294_984, 18_436)])?.line).toBe(40)
    expect(reallocatingSite([site(26, 915_059, 0)])?.line).toBe(26)
  })

  it('takes one array replaced by a larger, which the profile noise model leaves within its noise', () => {
    // As captured from buffer-leak: main.go:29 held 3.5 MiB more, objects unchanged, "within noise".
    expect(reallocatingSite([site(29, 3_670_016, 0, { withinNoise: true })])?.line).toBe(29)
  })

  it('does not take many small records for a container, nor goroutine records', () => {
    expect(reallocatingSite([site(22, 2_000_000, 20_000)])).toBeNull()
    expect(reallocatingSite([site(22, 900_000, 3, { kind: 'goroutines' })])).toBeNull()
    expect(reallocatingSite([])).toBeNull()
  })
})
