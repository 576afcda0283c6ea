// Shared by the benches: summaries of repeated runs.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** "median (min … max)" */
export function spread(xs: number[], f: (v: number) => string): string {
  return `${f(median(xs))} (${f(Math.min(...xs))} … ${f(Math.max(...xs))})`
}

/** Wall times in whole seconds, "median (min … max)". */
export const secondsSpread = (xs: number[]): string => spread(xs, (v) => `${v.toFixed(0)}s`)

/** A markdown table on stdout: the header, its rule, the rows. */
export function printTable(header: string[], rows: string[][]): void {
  for (const r of [header, header.map(() => '---'), ...rows]) process.stdout.write(`| ${r.join(' | ')} |\n`)
}
