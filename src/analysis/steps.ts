// Reallocation steps: a container that grows by doubling (a map with inline values, a
// bytes.Buffer, append to a slice of values) holds its level until it is full, then jumps
// within one sampling interval to its new size. The flat stretch between two steps is not
// a fill levelling off, and the gaps grow with the size, so a window's last half can be
// flat while the container still grows.
import type { Point } from './point.js'

/** A jump is a step-to-step difference this many robust sds above the typical one. */
const JUMP_SDS = 8
/**
 * A map's tables split one by one, so one reallocation can take a few intervals: rises of
 * a third of a jump's threshold, at most one interval apart, make one step.
 */
const RUN_SHARE = 3
/** A rise that lasts longer than this many intervals is growth, not a reallocation. */
const MAX_STEP_INTERVALS = 8
/** A jump stands as a step when the next few readings hold its level (not a spike). */
const HOLD_SAMPLES = 3
/** Steps carry at least this share of the window's rise: the growth is a staircase. */
const STAIRCASE_SHARE = 0.5
/**
 * A doubling container's next gap is about twice its last; a slice of values grows by
 * about 1.25 once large. A flat run shorter than this many last gaps is a gap, not a plateau.
 */
const NEXT_GAP_FACTOR = 2

export interface Steps {
  /** Jumps within one interval (or a few, for a map's tables) whose level held. */
  count: number
  /** The share of the window's rise (last reading − first) the jumps carry, 0–1. */
  share: number
  /** Seconds from the last jump to the window's last reading. */
  flatTailSec: number
  /** Seconds between the last two jumps; from the load's start to the jump when there is one. */
  lastGapSec: number
  /** Seconds from the window's first reading to the first jump. */
  firstStepSec: number
  /** The growth is a staircase (≥ 2 steps carrying most of the rise). */
  staircase: boolean
  /** The flat run after the last step is shorter than the gap a container that doubles would leave. */
  nextStepDue: boolean
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Index ranges [from, to] of rising differences, joined across single non-rising ones. */
function risingRuns(rising: boolean[]): [number, number][] {
  const runs: [number, number][] = []
  rising.forEach((up, i) => {
    if (!up) return
    const last = runs.at(-1)
    if (last && i - last[1] <= 2) last[1] = i
    else runs.push([i, i])
  })
  return runs
}

/**
 * The reallocation steps of a series in time order; null when it has no step (or under 6
 * points). `loadSinceSec`: when the load began, on the points' clock (sampling starts after
 * the warm-up). A container that grows with the load and doubles stepped last about half
 * way from the load's start to its step, so with one step in the window its gap is taken
 * from the load's start: a step early in the window is no sign that the next is near.
 */
export function findSteps(points: Point[], loadSinceSec = points[0]?.t ?? 0): Steps | null {
  if (points.length < 6) return null
  const diffs = points.slice(1).map((p, i) => p.v - points[i].v)
  const typical = median(diffs)
  const sd = 1.4826 * median(diffs.map((d) => Math.abs(d - typical)))
  const rise = points[points.length - 1].v - points[0].v
  // Exact readings have no scatter: a jump must still be large beside the rise.
  const threshold = Math.max(JUMP_SDS * sd, 0.05 * Math.abs(rise))
  const jumps: { startT: number; t: number; size: number }[] = []
  for (const [from, to] of risingRuns(diffs.map((d) => d - typical > threshold / RUN_SHARE))) {
    const size = points[to + 1].v - points[from].v - typical * (to + 1 - from)
    if (!(size > threshold) || to + 1 - from > MAX_STEP_INTERVALS) continue
    const held = points.slice(to + 2, to + 2 + HOLD_SAMPLES)
    if (held.some((p) => p.v < points[to + 1].v - size / 2)) continue
    jumps.push({ startT: points[from].t, t: points[to + 1].t, size })
  }
  if (jumps.length === 0 || !(rise > 0)) return null
  const last = jumps[jumps.length - 1]
  const previousT = jumps.length > 1 ? jumps[jumps.length - 2].t : Math.min(loadSinceSec, points[0].t)
  const share = Math.min(1, jumps.reduce((s, j) => s + j.size, 0) / rise)
  const flatTailSec = points[points.length - 1].t - last.t
  const lastGapSec = last.t - previousT
  const carries = share >= STAIRCASE_SHARE
  return {
    count: jumps.length,
    share,
    flatTailSec,
    lastGapSec,
    firstStepSec: jumps[0].startT - points[0].t,
    staircase: carries && jumps.length >= 2,
    nextStepDue: carries && flatTailSec < NEXT_GAP_FACTOR * lastGapSec
  }
}

/**
 * The rise over the window read from its flat ends, per second, at its lower bound: the
 * median level after the last step less the median before the first, less z standard
 * errors of the two medians (√(π/2)·sd/√n each, sd from the readings' steady differences).
 * Steps are large beside quiesced noise, so this is tight where the slope's interval is
 * wide: a staircase's residuals look like correlated noise.
 */
export function stepRiseLowPerSec(points: Point[], z: number, loadSinceSec?: number): number | null {
  if (points.length < 6) return null
  const diffs = points.slice(1).map((p, i) => p.v - points[i].v)
  const typical = median(diffs)
  const readingSd = (1.4826 * median(diffs.map((d) => Math.abs(d - typical)))) / Math.SQRT2
  const steps = findSteps(points, loadSinceSec)
  if (!steps?.staircase) return null
  const spanSec = points[points.length - 1].t - points[0].t
  const tailStart = points[points.length - 1].t - steps.flatTailSec
  const head = points.filter((p) => p.t <= points[0].t + steps.firstStepSec)
  const tail = points.filter((p) => p.t >= tailStart)
  if (head.length === 0 || tail.length === 0 || spanSec <= 0) return null
  const se = Math.sqrt(Math.PI / 2) * readingSd * Math.sqrt(1 / head.length + 1 / tail.length)
  const rise = median(tail.map((p) => p.v)) - median(head.map((p) => p.v))
  return (rise - z * se) / spanSec
}
