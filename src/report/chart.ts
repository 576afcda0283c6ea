// Mermaid xychart-beta blocks: GitHub renders them in comments and summaries.
import type { Sample } from '../model.js'

export interface ChartSeries {
  label: string
  samples: Sample[]
}

const MAX_POINTS = 40

/** One chart of a quantity over time; several series share the axes (base and head). */
export function xyChart(
  title: string,
  unit: string,
  series: ChartSeries[],
  value: (s: Sample) => number | null,
  scale = 1
): string {
  const longest = series.reduce((a, b) => (b.samples.length > a.samples.length ? b : a), series[0])
  const stride = Math.max(1, Math.ceil(longest.samples.length / MAX_POINTS))
  const picked = (s: Sample[]) => s.filter((_, i) => i % stride === 0)
  const xs = picked(longest.samples).map((s) => Math.round(s.t))
  const lines = series.map((s) => {
    const ys = picked(s.samples).map((p) => {
      const v = value(p)
      return v === null ? 0 : Number((v / scale).toPrecision(4))
    })
    return ys.slice(0, xs.length)
  })
  const all = lines.flat()
  const lo = Math.min(...all)
  const hi = Math.max(...all)
  const pad = Math.max((hi - lo) * 0.1, hi * 0.01, 1 / scale)
  // xychart-beta draws no legend: the title names the lines in order.
  const label = series.length > 1 ? ` (lines: ${series.map((s) => s.label).join(', then ')})` : ''
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}${label}"`,
    `  x-axis "seconds after warm-up" [${xs.join(', ')}]`,
    `  y-axis "${unit}" ${fmt(Math.max(0, lo - pad))} --> ${fmt(hi + pad)}`,
    ...lines.map((ys) => `  line [${ys.join(', ')}]`),
    '```'
  ].join('\n')
}

const fmt = (v: number) => Number(v.toPrecision(4))
