// Test helpers: the captured profiles of test/fixtures/profiles and the leak markers of
// the fixture services. Used by tests only.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { decodeProfile } from './decode.js'
import type { Profile } from './profile.js'

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url))

/** The directory the fixtures were built in (README.md there): their profiles' paths start with it. */
export const buildRoot = '/work/main'

export function profile(run: string, file: string): Profile {
  return decodeProfile(readFileSync(`${fixtures}profiles/${run}/${file}`))
}

export function text(run: string, file: string): string {
  return readFileSync(`${fixtures}profiles/${run}/${file}`, 'utf8')
}

/** The 1-based line of a fixture's main.go that holds the given text. */
export function lineOf(fixture: string, needle: string): number {
  const lines = readFileSync(`${fixtures}services/${fixture}/main.go`, 'utf8').split('\n')
  const i = lines.findIndex((l) => l.includes(needle))
  if (i < 0) throw new Error(`${fixture}/main.go has no "${needle}"`)
  return i + 1
}

/** Where the fixture marks its leak: the line with "// memgate:leak". */
export function marker(fixture: string): { file: string; line: number } {
  return { file: `test/fixtures/services/${fixture}/main.go`, line: lineOf(fixture, '// memgate:leak') }
}
