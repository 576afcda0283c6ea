// Which frames belong to whom: the Go runtime, the standard library, or the service.
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

/**
 * Own code is package main and the packages of the service's modules (every module of a
 * go.work workspace); without module paths, anything outside the standard library
 * (dependencies included).
 */
export function ownCode(modulePaths: string[]): OwnCode {
  if (modulePaths.length === 0) return (f) => !isStdlib(f.function)
  return (f) => {
    const pkg = packageOf(f.function)
    return pkg === 'main' || modulePaths.some((m) => pkg === m || pkg.startsWith(`${m}/`))
  }
}

/**
 * Where a stack is charged: the innermost own-code frame, else the innermost frame
 * outside the runtime, else the root (runtime-only stacks group by where they began).
 * -1 for an empty stack.
 */
export function siteIndex(stack: Frame[], isOwn: OwnCode): number {
  const own = stack.findIndex(isOwn)
  if (own >= 0) return own
  const outside = stack.findIndex((f) => !isRuntime(f.function))
  return outside >= 0 ? outside : stack.length - 1
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
