import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readOnlyFolder } from '../../test/helpers/read-only.js'
import { OutputError } from '../errors.js'
import { mkdirOutput, prepareOutDir, writeOutput } from './out-dir.js'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'memgate-out-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The OutputError thrown, as the CLI shows it. */
function refusal(run: () => void): string {
  try {
    run()
  } catch (e) {
    expect(e).toBeInstanceOf(OutputError)
    return `--out: ${(e as OutputError).path} ${(e as OutputError).problem}`
  }
  throw new Error('nothing was refused')
}

describe('prepareOutDir', () => {
  it("makes the folder, and removes an earlier run's report but nothing else", () => {
    const out = join(dir, 'a', 'b')
    prepareOutDir(out)
    for (const file of ['report.json', 'report.md', 'notes.txt']) writeFileSync(join(out, file), 'old')
    mkdirSync(join(out, 'profiles'))
    prepareOutDir(out)
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'profiles'])
  })

  it('refuses a file, and a folder inside a file', () => {
    const file = join(dir, 'file')
    writeFileSync(file, '')
    expect(refusal(() => prepareOutDir(file))).toBe(
      `--out: ${file} is a file, not a folder; give a folder (memgate creates it when missing)`
    )
    expect(refusal(() => prepareOutDir(join(file, 'out')))).toBe(
      `--out: ${join(file, 'out')} cannot be created (ENOTDIR: not a directory); give a folder memgate can write`
    )
  })

  it('refuses /proc and /sys at once, through a symlink too', () => {
    symlinkSync('/proc/self', join(dir, 'link'))
    for (const [out, fs] of [
      ['/proc/memgate', '/proc'],
      ['/sys/kernel/memgate/out', '/sys'],
      [join(dir, 'link', 'out'), '/proc']
    ])
      expect(refusal(() => prepareOutDir(out))).toBe(
        `--out: ${out} is under ${fs}, a kernel file system; give a folder on disk`
      )
  })

  it('refuses a folder it cannot write', () => {
    const readOnly = readOnlyFolder()
    if (!readOnly) return console.warn('no read-only folder can be made here: not tested')
    try {
      expect(refusal(() => prepareOutDir(readOnly.path))).toMatch(
        new RegExp(
          `^--out: ${readOnly.path} cannot be written \\((EROFS|EACCES): .*\\); give a folder memgate can write$`
        )
      )
    } finally {
      readOnly.remove()
    }
  })
})

describe('writeOutput and mkdirOutput', () => {
  it('blame the output folder for a write that fails', () => {
    const path = join(dir, 'gone', 'heap-001.pb.gz')
    expect(refusal(() => writeOutput(path, 'x'))).toBe(
      `--out: ${path} cannot be written (ENOENT: no such file or directory); give a folder memgate can write`
    )
    writeFileSync(join(dir, 'profiles'), '')
    expect(refusal(() => mkdirOutput(join(dir, 'profiles', 'head')))).toBe(
      `--out: ${join(dir, 'profiles', 'head')} cannot be created (ENOTDIR: not a directory); give a folder memgate can write`
    )
  })
})
