// The thin edge to git: run one command, get its output or its first error line.
import { execFile } from 'node:child_process'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs git; a non-zero exit is a result, not an exception, because callers branch on it. */
export function git(cwd: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: error lines are quoted to the user and matched by no one, but stay in English.
    const env = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }
    execFile('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A number when git ran and failed; a string ("ENOENT") when git or cwd is missing.
      const code: unknown = error ? (error as { code?: unknown }).code : 0
      if (typeof code !== 'number') return reject(error)
      resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() })
    })
  })
}

/** The first line git wrote to stderr, for a one-line message. */
export function firstLine(r: GitResult): string {
  return r.stderr.split('\n')[0] || `git exited with code ${r.code}`
}
