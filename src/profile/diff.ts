// The growth of the live heap between two heap summaries, per whole stack: the last
// minus the first, as pprof merges the last with the first scaled by -1. Attribution
// (by line) and the flame graph (by stack) both read it.
import { stackKey, type HeapStack, type HeapSummary } from './heap.js'

export interface HeapDiff {
  /**
   * Every stack of either summary: bytes and objects added (negative when freed) and
   * varianceBytes2 of both summaries, since their counts are independent draws.
   */
  stacks: HeapStack[]
}

export function diffHeap(first: HeapSummary, last: HeapSummary): HeapDiff {
  const stacks = new Map<string, HeapStack>()
  const add = (s: HeapStack, sign: 1 | -1): void => {
    const key = stackKey(s.frames)
    const sum = stacks.get(key)
    if (!sum) stacks.set(key, { ...s, bytes: sign * s.bytes, objects: sign * s.objects })
    else {
      sum.bytes += sign * s.bytes
      sum.objects += sign * s.objects
      sum.varianceBytes2 += s.varianceBytes2
    }
  }
  for (const s of last.stacks) add(s, 1)
  for (const s of first.stacks) add(s, -1)
  return { stacks: [...stacks.values()] }
}
