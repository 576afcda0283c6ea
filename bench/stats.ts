// Shared by the benches: summaries of repeated runs.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** "median (min … max)" */
export function spread(xs: number[], f: (v: number) => string): string {
  return `${f(median(xs))} (${f(Math.min(...xs))} … ${f(Math.max(...xs))})`
}
