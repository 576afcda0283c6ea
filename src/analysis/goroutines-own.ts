// A goroutine leak's own memory belongs to it: each goroutine that piles up keeps the
// runtime's record of it, so the live heap grows with the count. When that is all the heap
// grew by past the profile's sampling noise, the heap is not a second leak: the goroutines'
// judgement is the fail, and the heap's says whose memory it is.
import type { Judgement, Run } from '../model.js'

/**
 * Whether the heap's growth past the sampling noise is the piled-up goroutines' own: the
 * runtime's records of new goroutines, and no line of the service or a library besides.
 */
export function heapIsGoroutinesOwn(run: Run): boolean {
  const a = run.attribution
  if (!a?.goroutines.some((g) => g.countGrowth > 0)) return false
  const clear = a.heap.filter((s) => !s.withinNoise && s.bytesPerSec > 0)
  return clear.length > 0 && clear.every((s) => s.kind === 'goroutines')
}

/**
 * The heap's fails (against its limit or the base) when the goroutines fail too and the
 * heap grew only by their records: charged to the goroutines, not a fail of their own.
 */
export function chargeHeapToGoroutines(judgements: Judgement[], head: Run): Judgement[] {
  const goroutinesFail = judgements.some((j) => j.series === 'goroutines' && j.outcome === 'fail')
  if (!goroutinesFail || !heapIsGoroutinesOwn(head)) return judgements
  return judgements.map((j) =>
    j.series === 'heap' && j.outcome === 'fail' ? { ...j, outcome: 'pass', rule: 'goroutines-own-memory' } : j
  )
}
