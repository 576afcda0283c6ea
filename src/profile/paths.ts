// Maps the file paths of a profile to paths in the repository.
import { posix } from 'node:path'

export interface RepoLayout {
  /** Absolute path of the repository root. */
  repoRoot: string
  /** The Go module's path ("example.com/svc"), for -trimpath builds. */
  modulePath?: string
  /** Absolute directory of that module; the repository root when omitted. */
  moduleDir?: string
}

// Go writes forward slashes on every platform; Windows drive letters compare case-insensitively.
function normalize(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^([A-Za-z]):\//, (_, drive: string) => `${drive.toLowerCase()}:/`)
    .replace(/(.)\/+$/, '$1')
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
 * root, or (built with -trimpath) a path under the module path. Undefined when outside.
 */
export function toRepoPath(file: string, layout: RepoLayout): string | undefined {
  const f = normalize(file)
  const root = normalize(layout.repoRoot)
  if (isAbsolute(f)) return relativeInside(root, f)
  const { modulePath } = layout
  if (!modulePath || !f.startsWith(`${modulePath}/`)) return undefined
  const moduleDir = normalize(layout.moduleDir ?? layout.repoRoot)
  return relativeInside(root, posix.join(moduleDir, f.slice(modulePath.length + 1)))
}
