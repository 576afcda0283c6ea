// The workflows the README shows, parsed as GitHub would read them: the tests check what a
// user copies, not a copy of it.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

export interface Step {
  uses?: string
  with?: Record<string, string | number | boolean>
}

export interface Job {
  needs?: string | string[]
  if?: string
  permissions?: Record<string, string>
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown[]> }
  steps: Step[]
}

export interface Workflow {
  /** The comment line it starts with, naming the file (`.github/workflows/memory.yml: …`); else ''. */
  title: string
  name: string
  on: unknown
  permissions?: Record<string, string>
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  jobs: Record<string, Job>
}

/** Every ```yaml block of README.md that is a workflow (it has jobs). */
export function readmeWorkflows(): Workflow[] {
  const readme = readFileSync('README.md', 'utf8')
  return [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
    .map((m) => ({ text: m[1], parsed: parse(m[1]) as Omit<Workflow, 'title'> | null }))
    .filter(({ parsed }) => parsed !== null && typeof parsed === 'object' && 'jobs' in parsed)
    .map(({ text, parsed }) => ({ title: /^# (.*)/.exec(text)?.[1] ?? '', ...parsed! }))
}

/** A step that runs go-memgate. */
export const isGate = (step: Step): boolean => step.uses?.startsWith('go-memgate/go-memgate@') ?? false

/** A step's inputs with `${{ matrix.<key> }}` replaced as one matrix job sees them. */
export function inputsFor(step: Step, matrix: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(step.with ?? {}).map(([key, value]) => [
      key,
      String(value).replace(/\$\{\{ matrix\.(\w+) \}\}/g, (_, name: string) => matrix[name] ?? '')
    ])
  )
}
