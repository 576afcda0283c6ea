// Temporary git repositories built from the fixture services, for the baseline test
// and bench: main holds the base, branch pr the head, both in svc/.
import { execFileSync } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import type { RawInputs } from '../src/config.js'

export const FIXTURES = join(import.meta.dirname, 'fixtures', 'services')

/**
 * Small per-request allocations and cache: the clean service is flat after a 3s
 * warm-up, and the leak (64 B a request at 200 req/s, about 1 MiB/min with the slice
 * growth) is steady enough that two equal leaks differ by far less than the allowed
 * 256 KiB/min.
 */
export const SERVICE_ENV = 'ALLOC_BYTES=4096\nCACHE_ENTRIES=100\nLEAK_BYTES=64'

export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

/**
 * A repository at `dir` whose main branch has the fixture `base` in svc/ (or what
 * `base` writes there) and whose branch pr, checked out, has the fixture `head`.
 */
export function fixtureRepo(dir: string, base: string | ((svc: string) => void), head: string): string {
  const svc = join(dir, 'svc')
  cpSync(join(FIXTURES, 'clean'), svc, { recursive: true })
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'config', 'user.email', 'test@example.com')
  git(dir, 'config', 'user.name', 'test')
  const put = (fixture: string) => cpSync(join(FIXTURES, fixture, 'main.go'), join(svc, 'main.go'))
  if (typeof base === 'string') put(base)
  else base(svc)
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'base')
  git(dir, 'checkout', '-q', '-b', 'pr')
  put(head)
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'head')
  return dir
}

/** The inputs of a short merge-base gate of svc/ on `port`; `env` lines override SERVICE_ENV. */
export function baselineInputs(port: number, env = ''): RawInputs {
  return {
    'working-directory': 'svc',
    env: `ADDR=127.0.0.1:${port}\n${SERVICE_ENV}\n${env}`,
    'pprof-url': `http://127.0.0.1:${port}/debug/pprof`,
    warmup: '3s',
    duration: '12s',
    baseline: 'merge-base',
    'base-ref': 'main'
  }
}
