// Builds the service: `go build`, or the user's build-command, into a known binary path.
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { promisify } from 'node:util'
import { GateError } from '../errors.js'
import type { GoModuleFolder } from '../profile/paths.js'
import { OutputTail } from './output-tail.js'
import { childEnv, exitOf, spawnGroup, stopGroup } from './processes.js'
import type { RunContext } from './run-context.js'

const execFileAsync = promisify(execFile)

export interface BuildRequest {
  /** Absolute path of the Go module. */
  moduleDir: string
  package: string
  buildCommand: string | null
  binaryPath: string
  /** Build with GOEXPERIMENT=goroutineleakprofile. */
  goroutineLeakProfile: boolean
}

export interface GoModule {
  goVersion: string
  /** The module, or every module of a go.work workspace; empty outside module mode. */
  modules: GoModuleFolder[]
  moduleDir: string
  /** The git repository holding the module (its own worktree for a base), else moduleDir. */
  repoRoot: string
}

/**
 * The toolchain's version ("go1.26.8") and the modules' paths and folders, for
 * attribution. `repoRoot` comes from the caller, who asks git: the engine runs go only.
 */
export async function inspectModule(moduleDir: string, repoRoot: string): Promise<GoModule> {
  // go reads the PR's go.mod and go.work (a toolchain line can fetch another go): no credentials.
  const go = { cwd: moduleDir, env: childEnv(process.env) }
  let goVersion: string
  try {
    goVersion = (await execFileAsync('go', ['env', 'GOVERSION'], go)).stdout.trim()
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ENOENT') {
      const where = err.path === 'go' ? 'Go is not on PATH: install it (actions/setup-go)' : err.message
      throw new GateError(`cannot run go: ${where}`)
    }
    throw new GateError(`working-directory: ${moduleDir} cannot be used: ${err.message.split('\n')[0]}`)
  }
  let modules: GoModuleFolder[] = []
  try {
    // One line a module: a go.work workspace lists all of its modules. Paths hold no spaces.
    const list = await execFileAsync('go', ['list', '-m', '-f', '{{.Path}} {{.Dir}}'], go)
    modules = list.stdout
      .split('\n')
      .map((line) => {
        const space = line.indexOf(' ')
        return { path: line.slice(0, space), dir: line.slice(space + 1) }
      })
      // Outside module mode go names a folderless "command-line-arguments": no module of the service.
      .filter((m) => m.path && m.dir)
  } catch {
    // Not a module (GOPATH mode, or a build-command that knows better): paths stay absolute.
  }
  return { goVersion, modules, moduleDir, repoRoot }
}

/** Go 1.26 is the first release with the goroutineleak profile experiment. */
export function supportsGoroutineLeakProfile(goVersion: string): boolean {
  const m = /^go(\d+)\.(\d+)/.exec(goVersion)
  return m !== null && (Number(m[1]) > 1 || Number(m[2]) >= 26)
}

export async function buildService(
  req: BuildRequest,
  { redact, signal }: Pick<RunContext, 'redact' | 'signal'>
): Promise<void> {
  mkdirSync(dirname(req.binaryPath), { recursive: true })
  const env: NodeJS.ProcessEnv = { ...process.env, MEMGATE_BINARY: req.binaryPath }
  if (req.goroutineLeakProfile) {
    env.GOEXPERIMENT = [process.env.GOEXPERIMENT, 'goroutineleakprofile'].filter(Boolean).join(',')
  }
  const [cmd, args, what] = req.buildCommand
    ? ['sh', ['-c', req.buildCommand], `build-command "${req.buildCommand}"`]
    : ['go', ['build', '-o', req.binaryPath, req.package], `go build ${req.package}`]
  const output = new OutputTail(200, undefined, { redact })
  const child = spawnGroup(cmd, args, { cwd: req.moduleDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  output.attach(child.stdout)
  output.attach(child.stderr)
  const onAbort = () => void stopGroup(child, 1000)
  signal?.addEventListener('abort', onAbort, { once: true })
  const { code } = await exitOf(child).finally(() => signal?.removeEventListener('abort', onAbort))
  await stopGroup(child, 100)
  if (signal?.aborted) throw new GateError('cancelled while building')
  if (code !== 0) throw new GateError(`${what} failed (exit code ${code})`, output.text())
}

export function resolveModuleDir(repoRoot: string, workingDirectory: string): string {
  return resolve(repoRoot, workingDirectory)
}
