import { capturedSeries } from '../../test/fixtures/series.js'
import type { Point } from './point.js'
import { findSteps, stepRiseLowPerSec } from './steps.js'

/** 1 s readings of `level(t)` with a fixed wobble of a few KiB, as quiesced readings scatter. */
const series = (n: number, level: (t: number) => number): Point[] =>
  Array.from({ length: n }, (_, t) => ({ t, v: level(t) + [0, 3000, -2000, 4000, -1000][t % 5] }))
/** A buffer that doubles from 256 KiB when 128 B a request at 200 requests/s fill it: 512 KiB at 1 s, 1 MiB at 11 s, 2 MiB at 31 s. */
const doubling = (t: number) => 2 ** Math.ceil(Math.log2(Math.max(25_600 * (t + 10), 262_144)))

describe('findSteps', () => {
  it('sees the steps of a buffer that doubles, and that its next step is still to come', () => {
    const steps = findSteps(series(61, doubling))!
    // The next, at 4 MiB, would come at 72 s.
    expect(steps).toMatchObject({ count: 3, staircase: true, nextStepDue: true, lastGapSec: 20 })
    expect(steps.share).toBeGreaterThan(0.95)
  })

  it('finds no step in a steady leak, and no staircase in a line that stops', () => {
    expect(findSteps(series(61, (t) => 1e6 + 12_800 * t))).toBeNull()
    const hockeyStick = findSteps(series(91, (t) => 1e6 + 204_800 * Math.min(t, 40)))
    expect(hockeyStick?.staircase ?? false).toBe(false)
    expect(hockeyStick?.nextStepDue ?? false).toBe(false)
  })

  it('takes a flat run much longer than the last gap as no step to come: a container that stopped', () => {
    // Two steps 10 s apart, then 50 s flat: a doubling container would have stepped again by 20 s.
    const stopped = findSteps(series(71, (t) => 1e6 * (t < 10 ? 1 : t < 20 ? 2 : 4)))!
    expect(stopped).toMatchObject({ count: 2, staircase: true, nextStepDue: false })
  })

  it("takes a single step's gap from the load's start: one step early in the window is no sign the next is near", () => {
    // One doubling at 3 s of sampling, then flat to 30 s: the load began 15 s before sampling.
    const oneStep = series(31, (t) => (t < 3 ? 1e6 : 2e6))
    expect(findSteps(oneStep)).toMatchObject({ count: 1, nextStepDue: false })
    expect(findSteps(oneStep, -15)).toMatchObject({ count: 1, lastGapSec: 18, nextStepDue: true })
  })

  it('joins the table splits of a real map into steps (map-leak, captured)', () => {
    const steps = findSteps(capturedSeries('map-leak'))!
    expect(steps).toMatchObject({ count: 3, staircase: true, nextStepDue: true })
  })

  it('sees the staircase of a real bytes.Buffer and a real slice of values (captured)', () => {
    expect(findSteps(capturedSeries('buffer-leak'))).toMatchObject({ count: 3, staircase: true })
    expect(findSteps(capturedSeries('slice-leak'))).toMatchObject({ staircase: true, nextStepDue: true })
    expect(findSteps(capturedSeries('lru-fill'))).toBeNull()
  })
})

describe('stepRiseLowPerSec', () => {
  it("reads a staircase's rise from its flat ends, tight where the slope's interval is wide", () => {
    // 256 KiB → 2 MiB over 60 s.
    const rise = 2 * 1024 * 1024 - 262_144
    const low = stepRiseLowPerSec(series(61, doubling), 2.5)!
    // One reading before the first step: its median is known to a few readings’ scatter.
    expect(low).toBeGreaterThan((rise - 5 * 4000) / 60)
    expect(low).toBeLessThan(rise / 60)
  })

  it('is null without a staircase', () => {
    expect(
      stepRiseLowPerSec(
        series(61, (t) => 1e6 + 12_800 * t),
        2.5
      )
    ).toBeNull()
  })
})
