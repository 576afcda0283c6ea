// Maps the file paths of a profile to paths in the repository.
import { posix } from 'node:path'

/** A Go module of the service: one, or every module of a go.work workspace. */
export interface GoModuleFolder {
  /** The module path, "example.com/svc". */
  path: string
  /** Absolute directory of the module. */
  dir: string
}

export interface RepoLayout {
  /** Absolute path of the repository root. */
  repoRoot: string
  /** The service's modules, for -trimpath builds, whose file paths start with a module path. */
  modules?: GoModuleFolder[]
}

// Go writes forward slashes on every platform; Windows drive letters compare case-insensitively.
export function normalizePath(p: string): string {
  const slashed = p
    .replace(/\\/g, '/')
    .replace(/^([A-Za-z]):\//, (_, drive: string) => `${drive.toLowerCase()}:/`)
  // Trailing slashes cut by a loop, keeping the first character: /(.)\/+$/ rescans a run of
  // slashes from each of them (quadratic on a hostile path).
  let end = slashed.length
  while (end > 1 && slashed[end - 1] === '/') end--
  return slashed.slice(0, end)
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-z]:\//.test(p)
}

function relativeInside(root: string, p: string): string | undefined {
  const rel = posix.relative(root, p)
  return rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? undefined : rel
}

/**
 * The repository-relative path of a profile's file: an absolute build path under the
 * root, or (built with -trimpath) a path under one of the module paths. Undefined when outside.
 */
export function toRepoPath(file: string, layout: RepoLayout): string | undefined {
  const f = normalizePath(file)
  const root = normalizePath(layout.repoRoot)
  if (isAbsolute(f)) return relativeInside(root, f)
  // The longest path wins: a workspace may hold example.com/svc and example.com/svc/tools.
  const module = (layout.modules ?? [])
    .filter((m) => f.startsWith(`${m.path}/`))
    .reduce<GoModuleFolder | undefined>((a, m) => (a && a.path.length >= m.path.length ? a : m), undefined)
  if (!module) return undefined
  return relativeInside(root, posix.join(normalizePath(module.dir), f.slice(module.path.length + 1)))
}
