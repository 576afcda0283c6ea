// The lines a pull request changed, from `git diff -U0`: attribution ranks the sites whose
// stacks pass through them first.
import type { ChangedLines } from '../model.js'
import type { Git } from './git.js'

// "+++ b/svc/main.go"; "+++ /dev/null" for a deleted file.
const fileRe = /^\+\+\+ b\/(.+)$/
// "@@ -12,3 +14,5 @@": the head side's first line and count (1 when left out).
const hunkRe = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/

/** Repository path → the head's lines added or changed. Pure lines removed name no head line. */
export function parseChangedLines(diff: string): ChangedLines {
  const changed: ChangedLines = {}
  let file: string | null = null
  for (const line of diff.split('\n')) {
    const path = fileRe.exec(line)
    if (path) {
      file = path[1]
      continue
    }
    if (line.startsWith('+++ ')) file = null
    const hunk = hunkRe.exec(line)
    if (!hunk || file === null) continue
    const [first, count] = [Number(hunk[1]), hunk[2] === undefined ? 1 : Number(hunk[2])]
    const lines = (changed[file] ??= [])
    for (let n = first; n < first + count; n++) lines.push(n)
  }
  return changed
}

/** What the head changed since the merge-base; none when git cannot say (too large a diff, say). */
export async function changedLinesSince(git: Git, commit: string): Promise<ChangedLines> {
  try {
    return parseChangedLines(await git.diffSince(commit))
  } catch {
    return {}
  }
}
