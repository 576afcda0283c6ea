// "Did you mean": the one known word closest to a mistyped one (a flag, a command, a branch),
// so that a typo is answered with its fix, wherever the known words come from.

/** "; did you mean X?" for the one candidate closest to `word`, when one is close enough. */
export function didYouMean(word: string, candidates: string[]): string {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    if (candidate.length <= 2) continue // -h, -V: too short to be a typo of anything
    const distance = editDistance(word, candidate)
    // Close: at most two edits, and more of the word kept than changed (as commander's).
    const kept = 1 - distance / Math.max(word.length, candidate.length)
    if (distance <= 2 && kept > 0.4 && distance < (best?.distance ?? Infinity)) best = { candidate, distance }
  }
  return best ? `; did you mean ${best.candidate}?` : ''
}

/** Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const replace = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + replace)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[a.length][b.length]
}
