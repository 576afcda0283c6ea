// Which frames belong to whom: the Go runtime, the standard library, or the service.
import { normalizePath, type GoModuleFolder } from './paths.js'
import type { Frame } from './profile.js'

/** Decides whether a frame is the service's own code. */
export type OwnCode = (frame: Frame) => boolean

/**
 * The package path of a Go symbol: "net/http.(*conn).serve" → "net/http".
 * Type arguments of generic instantiations are dropped first: they hold other paths.
 */
export function packageOf(fn: string): string {
  // indexOf, not /\[.*$/, which scans from every '[' again (quadratic on a hostile name).
  const bracket = fn.indexOf('[')
  const name = bracket < 0 ? fn : fn.slice(0, bracket)
  const slash = name.lastIndexOf('/')
  const dot = name.indexOf('.', slash + 1)
  return dot < 0 ? name : name.slice(0, dot)
}

/** The standard library: no dot in the first path element ("net/http", "internal/poll", "vendor/…"). */
export function isStdlib(fn: string): boolean {
  const pkg = packageOf(fn)
  return pkg !== 'main' && !pkg.split('/')[0].includes('.')
}

/**
 * The runtime and its internals: frames no user can act on. "sync.runtime_notifyListWait"
 * and the like are runtime code linked into other packages.
 */
export function isRuntime(fn: string): boolean {
  const pkg = packageOf(fn)
  return (
    pkg === 'runtime' ||
    pkg.startsWith('runtime/') ||
    pkg.startsWith('internal/') ||
    fn.startsWith(`${pkg}.runtime_`)
  )
}

/** A file in Go's module cache: "…/pkg/mod/github.com/x/y@v1.2.3/z.go" (or its -trimpath form). */
const isModuleCacheFile = (file: string): boolean => /@v\d/.test(file)

/**
 * Own code is what lies in the service's module folders (every module of a go.work
 * workspace), decided by the frame's file, not its package: a dependency's closure inlined
 * into main keeps its module-cache file. Under -trimpath a file starts with the module
 * path instead. Without modules, anything outside the standard library and the module cache.
 */
export function ownCode(modules: GoModuleFolder[]): OwnCode {
  if (modules.length === 0) return (f) => !isStdlib(f.function) && !isModuleCacheFile(f.file)
  const prefixes = modules.flatMap((m) => [`${normalizePath(m.dir)}/`, `${m.path}/`])
  return (f) => {
    const file = normalizePath(f.file)
    const prefix = prefixes.find((p) => file.startsWith(p))
    // A module's vendor folder holds its dependencies.
    return prefix !== undefined && !isModuleCacheFile(file) && !file.startsWith('vendor/', prefix.length)
  }
}

/** Who can change a frame: the service, a library (a dependency), or nobody (the standard library and runtime). */
export type CodeOwner = 'service' | 'library' | 'standard-library'

export function ownerOf(f: Frame, isOwn: OwnCode): CodeOwner {
  if (isOwn(f)) return 'service'
  return isStdlib(f.function) || isRuntime(f.function) ? 'standard-library' : 'library'
}

/**
 * Where a stack is charged: the frame a developer can change. The innermost own-code
 * frame, else the innermost library frame, else (the standard library alone) the function
 * its goroutine began in, whose goroutine tells who started it: a readLoop and a server's
 * connection both block in net.(*netFD).Read, and are told apart only there. Runtime-only
 * stacks group by where they began. -1 for an empty stack.
 */
export function siteIndex(stack: Frame[], isOwn: OwnCode): number {
  const own = stack.findIndex(isOwn)
  if (own >= 0) return own
  const library = stack.findIndex((f) => ownerOf(f, isOwn) === 'library')
  return library >= 0 ? library : entryIndex(stack)
}

/** The function a goroutine began in: its outermost frame outside the runtime, else the root. */
export function entryIndex(stack: Frame[]): number {
  for (let i = stack.length - 1; i >= 0; i--) if (!isRuntime(stack[i].function)) return i
  return stack.length - 1
}

export function frameString(f: Frame): string {
  return `${f.function} ${f.file}:${f.line}`
}

/**
 * A short call path, innermost first: the calls below the site (how it allocated or
 * blocked, runtime internals left out), the site, and up to two of its callers.
 */
export function callPath(stack: Frame[], site: number): string[] {
  const below = stack.slice(0, site).filter((f) => !isRuntime(f.function))
  return [...below.slice(-3), ...stack.slice(site, site + 3)].map(frameString)
}
