import { diffHeap } from './diff.js'
import { frameString } from './frames.js'
import { allocationSites, summarizeHeap, type AllocationSite } from './heap.js'
import { profile } from '../../test/fixtures/profiles.js'

const runs = [
  'heap-leak/default-rate',
  'heap-leak/memprofilerate-1',
  'builder-leak/memprofilerate-1',
  'goroutine-leak/memprofilerate-4096',
  'clean/memprofilerate-1'
]
const heap = (run: string, phase: 'start' | 'end') => summarizeHeap(profile(run, `${phase}-heap.pb.gz`))
const total = (items: { bytes: number }[]) => items.reduce((n, s) => n + s.bytes, 0)
// Standard-library stacks group by the function their goroutine began in, whatever its line.
const siteKey = (s: AllocationSite) =>
  `${s.kind} ${s.owner === 'standard-library' ? s.function : frameString(s)}`
const byLine = (sites: AllocationSite[]) => new Map(sites.map((s) => [siteKey(s), s]))

describe('diffHeap', () => {
  it.each(runs)('is the last sample minus the first, stack by stack and line by line (%s)', (run) => {
    const [first, last] = [heap(run, 'start'), heap(run, 'end')]
    const diff = diffHeap(first, last)
    expect(total(diff.stacks)).toBe(last.inuseBytes - first.inuseBytes)
    expect(diff.stacks.reduce((n, s) => n + s.objects, 0)).toBe(last.inuseObjects - first.inuseObjects)

    // Grouping by line after the difference gives each line's own difference.
    const before = byLine(allocationSites(first.stacks))
    const after = byLine(allocationSites(last.stacks))
    const sites = allocationSites(diff.stacks)
    expect(sites.length).toBe(new Set([...before.keys(), ...after.keys()]).size)
    for (const [key, site] of byLine(sites)) {
      const [b, a] = [before.get(key), after.get(key)]
      expect(site.bytes).toBe((a?.bytes ?? 0) - (b?.bytes ?? 0))
      expect(site.objects).toBe((a?.objects ?? 0) - (b?.objects ?? 0))
      const variance = (a?.varianceBytes2 ?? 0) + (b?.varianceBytes2 ?? 0)
      expect(Math.abs(site.varianceBytes2 - variance)).toBeLessThanOrEqual(variance * 1e-12)
    }
  })

  it('of a sample with itself is zero everywhere, with the variance of two samples', () => {
    const h = heap('heap-leak/default-rate', 'end')
    const diff = diffHeap(h, h)
    expect(diff.stacks).toHaveLength(h.stacks.length)
    expect(diff.stacks.every((s) => s.bytes === 0 && s.objects === 0)).toBe(true)
    expect(diff.stacks.map((s) => s.varianceBytes2)).toEqual(h.stacks.map((s) => 2 * s.varianceBytes2))
  })

  it('leaves both summaries as they were', () => {
    const [first, last] = [heap('heap-leak/default-rate', 'start'), heap('heap-leak/default-rate', 'end')]
    const copies = [structuredClone(first), structuredClone(last)]
    diffHeap(first, last)
    expect([first, last]).toEqual(copies)
  })
})
