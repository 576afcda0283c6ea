// Whether `working-directory` is inside a Go module, checked before anything is built: run
// from a monorepo's root, `go build` answers with `go mod init` advice, which is not the fix.
import { existsSync, readdirSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { ConfigError } from '../config.js'

/** Folders that hold no service of the repository's own. */
const SKIPPED = new Set(['vendor', 'node_modules', 'testdata'])
/** How deep below working-directory go.mod files are looked for, and how many are named. */
const SEARCH_DEPTH = 3
const NAMED_AT_MOST = 5
/** A bound on the folders read: a huge tree is not walked for a hint. */
const FOLDERS_AT_MOST = 2000

/**
 * Go's main module is the nearest go.mod at or above the folder (or a go.work's): none there
 * is a ConfigError naming working-directory, with the folders below that hold one.
 */
export function checkModuleFolder(moduleDir: string, repoRoot: string, env: NodeJS.ProcessEnv): void {
  // GOPATH mode, or a workspace file named elsewhere: Go decides, not a go.mod here.
  if (env['GO111MODULE'] === 'off' || (env['GOWORK'] && env['GOWORK'] !== 'off')) return
  for (let dir = moduleDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'go.mod')) || existsSync(join(dir, 'go.work'))) return
    if (dirname(dir) === dir) break
  }
  const below = goModFoldersBelow(moduleDir).map((dir) => shown(repoRoot, dir))
  const where = shown(repoRoot, moduleDir)
  throw new ConfigError(
    `working-directory: no go.mod in ${where} or above it; set working-directory to the folder of your service's go.mod${below.length ? ` (${below.join(', ')})` : ''}`
  )
}

/** A folder as working-directory would name it: relative below the root, else absolute. */
function shown(root: string, dir: string): string {
  const path = relative(root, dir)
  return path && !path.startsWith('..') && !isAbsolute(path) ? path : dir
}

/** Folders below `root` holding a go.mod, breadth first, nearest first. */
function goModFoldersBelow(root: string): string[] {
  const found: string[] = []
  let level = [root]
  let read = 0
  for (let depth = 1; depth <= SEARCH_DEPTH && level.length; depth++) {
    const next: string[] = []
    for (const dir of level) {
      if (++read > FOLDERS_AT_MOST) return found
      let names: string[]
      try {
        names = readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIPPED.has(e.name))
          .map((e) => e.name)
          .sort()
      } catch {
        continue
      }
      for (const name of names) {
        const sub = join(dir, name)
        if (existsSync(join(sub, 'go.mod'))) {
          found.push(sub)
          if (found.length === NAMED_AT_MOST) return found
        } else next.push(sub)
      }
    }
    level = next
  }
  return found
}
