// Caveats: what limits what a run can say beyond its verdict. The first screen has room
// for two lines of them, those that change how this run reads; the rest are folded. Each
// source of a caveat gives it a priority, and placeCaveats() decides where it goes.

/** How much a caveat matters to a reader of this run. */
export const CAVEAT_PRIORITY = {
  /** Changes what the verdict means for this change: on the first screen first. */
  verdict: 3,
  /** What the run could and could not see: on the first screen while there is room. */
  reach: 2,
  /** How it was measured: folded. */
  method: 1
} as const

export interface Caveat {
  text: string
  priority: number
}

/** Lines of caveats on the first screen. */
const FIRST_SCREEN_CAVEATS = 2

/**
 * The caveats of `reach` or more, highest first, up to two, for the first screen; the rest
 * folded, in the order given.
 */
export function placeCaveats(caveats: Caveat[]): { firstScreen: string[]; folded: string[] } {
  const shown = caveats
    .filter((c) => c.priority >= CAVEAT_PRIORITY.reach)
    .sort((a, b) => b.priority - a.priority) // stable: equal priorities keep their order
    .slice(0, FIRST_SCREEN_CAVEATS)
  return {
    firstScreen: shown.map((c) => c.text),
    folded: caveats.filter((c) => !shown.includes(c)).map((c) => c.text)
  }
}
