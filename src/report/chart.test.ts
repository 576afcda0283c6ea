import type { Sample } from '../model.js'
import { xyChart, type ChartLine } from './chart.js'

/** `n` samples a second apart: goroutines from `goroutines(t)`. */
const samples = (n: number, goroutines: (t: number) => number): Sample[] =>
  Array.from({ length: n }, (_, t) => ({
    t,
    liveHeapBytes: 0,
    liveHeapObjects: 0,
    goroutines: goroutines(t),
    rssBytes: null
  }))

const goroutineChart = (lines: ChartLine[], limitPerSec: number | null = null) =>
  xyChart({ title: 'Goroutines', unit: 'count', lines, value: (s) => s.goroutines, limitPerSec })

const axis = (chart: string) =>
  /y-axis "count since the first sample" (\S+) --> (\S+)/.exec(chart)!.slice(1).map(Number)
const plotted = (chart: string) =>
  [...chart.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => m[1].split(', ').map(Number))

describe('xyChart', () => {
  it('draws nothing for a series that never moves', () => {
    expect(goroutineChart([{ role: 'head', samples: samples(20, () => 14) }], 10 / 60)).toBeNull()
  })

  it('draws the limit from zero at the limit’s slope, in a third pinned colour', () => {
    const chart = goroutineChart(
      [
        { role: 'base', samples: samples(31, () => 20) },
        { role: 'head', samples: samples(31, (t) => 14 + t) }
      ],
      0.5
    )!
    const [, , limit] = plotted(chart)
    expect([limit[0], limit[30]]).toEqual([0, 15])
    expect(chart).toContain('plotColorPalette: "#2f81f7, #e8590c, #848d97"')
    expect(chart).toContain('title "Goroutines: base blue, head orange, limit grey"')
  })

  it('keeps at least the limit’s growth over the window on either side of the data: noise looks small', () => {
    // ±1 goroutine of noise around 100, limit 10/min over 30 s: 5 goroutines.
    const chart = goroutineChart([{ role: 'head', samples: samples(31, (t) => 100 + (t % 2)) }], 10 / 60)!
    const [lo, hi] = axis(chart)
    expect(lo).toBeLessThanOrEqual(-5)
    expect(hi).toBeGreaterThanOrEqual(6)
  })

  it('without a limit, keeps a twentieth of the largest growth on either side', () => {
    const [lo, hi] = axis(
      goroutineChart([{ role: 'head', samples: samples(10, (t) => 100 + 20 * (t % 2)) }])!
    )
    expect(lo).toBeLessThanOrEqual(-1)
    expect(hi).toBeGreaterThanOrEqual(21)
  })

  it('draws each line as what it grew since its first sample: sizes apart, growth on one scale', () => {
    const chart = goroutineChart([
      { role: 'base', samples: samples(10, () => 8000) },
      { role: 'head', samples: samples(10, (t) => 900 + t) }
    ])!
    expect(plotted(chart)).toEqual([Array(10).fill(0), Array.from({ length: 10 }, (_, t) => t)])
  })

  it('gives the x-axis as a range, so that mermaid draws a few round ticks, not one label a point', () => {
    // 300 samples, 4 s apart: thirty-odd points of three-digit seconds ran together as labels.
    const long = samples(300, (t) => 14 + t).map((s) => ({ ...s, t: s.t * 4 }))
    const chart = goroutineChart([{ role: 'head', samples: long }], 0.5)!
    expect(chart).toMatch(/^ {2}x-axis "seconds after warm-up" 0 --> 1184$/m)
    expect(chart).not.toMatch(/x-axis [^\n]*\[/)
    expect(plotted(chart).every((line) => line.length === 38)).toBe(true)
  })

  it('cuts every line to the time all cover, as mermaid spreads each over the whole x-axis', () => {
    // The head sampled on for 40 s to name its line; the base ran 20 s.
    const chart = goroutineChart(
      [
        { role: 'base', samples: samples(21, () => 20) },
        { role: 'head', samples: samples(41, (t) => 14 + t) }
      ],
      0.5
    )!
    expect(chart).toMatch(/^ {2}x-axis "seconds after warm-up" 0 --> 20$/m)
    expect(plotted(chart).map((line) => line.length)).toEqual([21, 21, 21])
    expect(plotted(chart)[1].at(-1)).toBe(20)
  })

  it('is lower than mermaid’s default, so that a chart does not take a screen', () => {
    const chart = goroutineChart([{ role: 'head', samples: samples(10, (t) => t) }])!
    expect(chart).toMatch(/^ {2}xyChart:\n {4}height: 300$/m)
  })
})
