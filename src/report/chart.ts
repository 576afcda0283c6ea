// Mermaid xychart-beta blocks: GitHub renders them in comments and summaries. xychart
// draws no legend and takes its colours from the theme, whose first colour is near-white
// in the light theme: the palette is pinned in the block's front matter, one colour per
// role, each with a contrast of 3:1 or more on GitHub's light and dark backgrounds and on
// mermaid's dark chart background (test/browser/comment.test.ts checks it in Chromium).
// The x-axis is a range, not a label a point: mermaid then draws a few round ticks, where
// thirty labels ran together ("96100104108…"); it spreads each line over the whole range,
// so lines are cut to the time they all cover (a head that sampled on to name its line).
// Each line is drawn as what it grew since its first sample: a base whose heap is 8 MiB
// and a head at 1 MiB that grows share one scale, on which growth, not size, shows. The chart is lower than mermaid's default,
// so that one growing series does not take a screen.
import type { Sample } from '../model.js'

type ChartRole = 'base' | 'head' | 'limit'

const CHART_COLOURS: Record<ChartRole, { hex: string; name: string }> = {
  base: { hex: '#2f81f7', name: 'blue' },
  head: { hex: '#e8590c', name: 'orange' },
  limit: { hex: '#848d97', name: 'grey' }
}

export interface ChartLine {
  role: 'base' | 'head'
  samples: Sample[]
}

export interface ChartRequest {
  title: string
  /** The y-axis' unit, after `scale`: "MiB", "count". */
  unit: string
  /** Base then head, as drawn. */
  lines: ChartLine[]
  value: (s: Sample) => number | null
  /** Divides every value: 2^20 draws bytes in MiB. */
  scale?: number
  /** The growth the gate allows, units per second: drawn from zero, as each line is. */
  limitPerSec?: number | null
}

const MAX_POINTS = 40
/** The chart's height in mermaid's units (its default is 500, at a width of 700). */
const CHART_HEIGHT = 300

/** The chart as a mermaid block; null when every line holds one value throughout (nothing to see). */
export function xyChart(req: ChartRequest): string | null {
  const scale = req.scale ?? 1
  const drawn = req.lines.filter((l) => l.samples.length > 1)
  if (!drawn.length) return null
  // mermaid spreads each line over the whole x-axis: every line is cut to the time all share.
  const end = Math.min(...drawn.map((l) => l.samples[l.samples.length - 1].t))
  const picked = (samples: Sample[]) => {
    const shared = samples.filter((p) => p.t <= end)
    const stride = Math.max(1, Math.ceil(shared.length / MAX_POINTS))
    return shared.filter((_, i) => i % stride === 0)
  }
  const times = picked((drawn.find((l) => l.role === 'head') ?? drawn[0]).samples).map((s) => s.t)
  const data = drawn.map((line) => {
    const first = req.value(line.samples[0]) ?? 0
    return {
      role: line.role as ChartRole,
      ys: picked(line.samples).map((p) => ((req.value(p) ?? first) - first) / scale)
    }
  })
  const all = data.flatMap((d) => d.ys)
  if (all.length === 0 || all.every((v) => v === all[0])) return null

  const limitPerSec = req.limitPerSec ? req.limitPerSec / scale : null
  const lines = [...data]
  if (limitPerSec !== null) lines.push({ role: 'limit', ys: times.map((t) => limitPerSec * (t - times[0])) })

  const [lo, hi] = yRange(
    lines.flatMap((l) => l.ys),
    all,
    limitPerSec === null ? null : limitPerSec * (times[times.length - 1] - times[0])
  )
  // xychart-beta draws no legend: the title says which colour is which.
  const legend = lines.map((l) => `${l.role} ${CHART_COLOURS[l.role].name}`).join(', ')
  return [
    '```mermaid',
    '---',
    'config:',
    '  xyChart:',
    `    height: ${CHART_HEIGHT}`,
    '  themeVariables:',
    '    xyChart:',
    `      plotColorPalette: "${lines.map((l) => CHART_COLOURS[l.role].hex).join(', ')}"`,
    '---',
    'xychart-beta',
    `  title "${req.title}: ${legend}"`,
    `  x-axis "seconds after warm-up" ${Math.round(times[0])} --> ${Math.round(times[times.length - 1])}`,
    `  y-axis "${req.unit} since the first sample" ${fmt(lo)} --> ${fmt(hi)}`,
    ...lines.map((l) => `  line [${l.ys.map(fmt).join(', ')}]`),
    '```'
  ].join('\n')
}

/**
 * The y-axis: everything drawn, and at least the limit's growth over the window on either
 * side of the data, so that noise well within the limit looks as small as it is. Without a
 * limit, a twentieth of the largest value on either side.
 */
function yRange(drawn: number[], data: number[], limitGrowth: number | null): [number, number] {
  const margin = limitGrowth ?? 0.05 * Math.max(...data.map(Math.abs))
  const lo = Math.min(...drawn, Math.min(...data) - margin)
  const hi = Math.max(...drawn, Math.max(...data) + margin)
  const pad = (hi - lo) * 0.05
  return [lo - pad, hi + pad]
}

const fmt = (v: number) => Number(v.toPrecision(4))
