import { spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readOnlyFolder } from '../../test/helpers/read-only.js'
import { smallDisk } from '../../test/helpers/small-disk.js'
import { OutputError } from '../errors.js'
import { mkdirOutput, withOutDirLock, writeOutput } from './out-dir.js'

/** The folder checked and cleared as a run takes it, and released. */
const prepareOutDir = (out: string) => withOutDirLock(out, async () => {})

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'memgate-out-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** The OutputError thrown, as the CLI shows it. */
function refusal(run: () => void): string {
  try {
    run()
  } catch (e) {
    return shown(e)
  }
  throw new Error('nothing was refused')
}

async function asyncRefusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (e) {
    return shown(e)
  }
  throw new Error('nothing was refused')
}

function shown(e: unknown): string {
  expect(e).toBeInstanceOf(OutputError)
  return `--out: ${(e as OutputError).path} ${(e as OutputError).problem}`
}

describe('withOutDirLock: the folder as a run takes it', () => {
  it("makes the folder, and removes an earlier run's report but nothing else", async () => {
    const out = join(dir, 'a', 'b')
    await prepareOutDir(out)
    for (const file of ['report.json', 'report.md', 'notes.txt']) writeFileSync(join(out, file), 'old')
    mkdirSync(join(out, 'profiles'))
    await prepareOutDir(out)
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'profiles'])
  })

  it('refuses a file, and a folder inside a file', async () => {
    const file = join(dir, 'file')
    writeFileSync(file, '')
    expect(await asyncRefusal(() => prepareOutDir(file))).toBe(
      `--out: ${file} is a file, not a folder; give a folder (memgate creates it when missing)`
    )
    expect(await asyncRefusal(() => prepareOutDir(join(file, 'out')))).toBe(
      `--out: ${join(file, 'out')} cannot be created (ENOTDIR: not a directory); give a folder memgate can write`
    )
  })

  it('refuses /proc and /sys at once, through a symlink too', async () => {
    symlinkSync('/proc/self', join(dir, 'link'))
    for (const [out, fs] of [
      ['/proc/memgate', '/proc'],
      ['/sys/kernel/memgate/out', '/sys'],
      [join(dir, 'link', 'out'), '/proc']
    ])
      expect(await asyncRefusal(() => prepareOutDir(out))).toBe(
        `--out: ${out} is under ${fs}, a kernel file system; give a folder on disk`
      )
  })

  it('refuses a folder it cannot write', async () => {
    const readOnly = readOnlyFolder()
    if (!readOnly) return console.warn('no read-only folder can be made here: not tested')
    try {
      expect(await asyncRefusal(() => prepareOutDir(readOnly.path))).toMatch(
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
    // A folder that became a file: the cleanup of the temp file fails too, and must not hide why.
    expect(refusal(() => writeOutput(join(dir, 'profiles', 'heap-002.pb.gz'), 'x'))).toBe(
      `--out: ${join(dir, 'profiles', 'heap-002.pb.gz')} cannot be written (ENOTDIR: not a directory); give a folder memgate can write`
    )
    expect(refusal(() => mkdirOutput(join(dir, 'profiles', 'head')))).toBe(
      `--out: ${join(dir, 'profiles', 'head')} cannot be created (ENOTDIR: not a directory); give a folder memgate can write`
    )
  })
})

describe('writing without following links', () => {
  it('replaces a link planted at a file name, and leaves what it pointed to alone', () => {
    const outside = join(dir, 'outside.txt')
    writeFileSync(outside, 'precious')
    const out = join(dir, 'out')
    mkdirSync(out)
    symlinkSync(outside, join(out, 'report.md'))
    writeOutput(join(out, 'report.md'), '# report')
    expect(readFileSync(outside, 'utf8')).toBe('precious')
    expect(lstatSync(join(out, 'report.md')).isSymbolicLink()).toBe(false)
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe('# report')
    expect(readdirSync(out)).toEqual(['report.md'])
  })

  it('refuses a linked folder inside the locked output folder, before writing anything through it', async () => {
    const outside = join(dir, 'outside')
    mkdirSync(outside)
    const out = join(dir, 'out')
    mkdirSync(out)
    symlinkSync(outside, join(out, 'profiles'))
    await withOutDirLock(out, async () => {
      const profiles = join(out, 'profiles', 'head')
      expect(refusal(() => mkdirOutput(profiles))).toBe(
        `--out: ${profiles} passes through a symbolic link inside the output folder; remove the link (memgate never writes through one)`
      )
      const file = join(out, 'profiles', 'heap-001.pb.gz')
      expect(refusal(() => writeOutput(file, 'x'))).toBe(
        `--out: ${file} passes through a symbolic link inside the output folder; remove the link (memgate never writes through one)`
      )
    })
    expect(readdirSync(outside)).toEqual([])
  })

  it('lets the output folder itself be reached through a link', async () => {
    const real = join(dir, 'real')
    mkdirSync(real)
    symlinkSync(real, join(dir, 'link'))
    const out = join(dir, 'link')
    await withOutDirLock(out, async () => {
      mkdirOutput(join(out, 'profiles', 'head'))
      writeOutput(join(out, 'profiles', 'head', 'heap-001.pb.gz'), 'x')
    })
    expect(readFileSync(join(real, 'profiles', 'head', 'heap-001.pb.gz'), 'utf8')).toBe('x')
  })
})

describe('a full disk', () => {
  it('leaves neither the file nor a partial one', () => {
    const disk = smallDisk(64 * 1024)
    if (!disk) return console.warn('no tmpfs can be mounted here: not tested')
    try {
      const path = join(disk.path, 'report.md')
      expect(refusal(() => writeOutput(path, 'x'.repeat(256 * 1024)))).toBe(
        `--out: ${path} cannot be written (ENOSPC: no space left on device); give a folder memgate can write`
      )
      expect(readdirSync(disk.path)).toEqual([])
    } finally {
      disk.remove()
    }
  })

  it('leaves no report.json when a write after it fails', async () => {
    const disk = smallDisk(64 * 1024)
    if (!disk) return console.warn('no tmpfs can be mounted here: not tested')
    try {
      const out = disk.path
      const metrics = join(out, 'metrics.txt')
      const failure = await asyncRefusal(() =>
        withOutDirLock(out, async () => {
          writeOutput(join(out, 'report.json'), '{"verdict":"pass"}\n')
          writeOutput(metrics, 'x'.repeat(256 * 1024))
        })
      )
      expect(failure).toBe(
        `--out: ${metrics} cannot be written (ENOSPC: no space left on device); give a folder memgate can write`
      )
      expect(readdirSync(out)).toEqual([])
    } finally {
      disk.remove()
    }
  })
})

describe('the lock of the output folder', () => {
  const busy = (out: string, pid: number) =>
    `--out: ${out} is in use by another memgate run (pid ${pid}); wait for it to end, or give another folder`

  it('refuses a second run at once, and is released when the first ends, however it ends', async () => {
    const out = join(dir, 'out')
    await withOutDirLock(out, async () => {
      writeOutput(join(out, 'report.json'), '{"verdict":"pass"}\n')
      expect(await asyncRefusal(() => withOutDirLock(out, async () => {}))).toBe(busy(out, process.pid))
      // The refused run removed nothing of the first one's.
      expect(readdirSync(out)).toContain('report.json')
    })
    expect(readdirSync(out)).toEqual(['report.json'])
    await expect(
      withOutDirLock(out, async () => {
        throw new Error('the service crashed')
      })
    ).rejects.toThrow('the service crashed')
    expect(readdirSync(out)).toEqual([])
    await withOutDirLock(out, async () => {})
  })

  /** A memgate that takes the lock on `out`, says so, then does `then`. */
  async function holder(out: string, then: string) {
    const script = join(dir, 'holder.mts')
    writeFileSync(
      script,
      `import { withOutDirLock } from ${JSON.stringify(resolve('src/engine/out-dir.ts'))}
await withOutDirLock(${JSON.stringify(out)}, async () => {
  console.log('locked')
  ${then}
})
`
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'inherit']
    })
    await once(child.stdout, 'data')
    return child
  }

  it('is taken over from a run that was killed', async () => {
    const out = join(dir, 'out')
    const child = await holder(out, 'await new Promise((r) => setTimeout(r, 60_000))')
    try {
      expect(await asyncRefusal(() => withOutDirLock(out, async () => {}))).toBe(busy(out, child.pid!))
    } finally {
      child.kill('SIGKILL')
    }
    await once(child, 'exit')
    await withOutDirLock(out, async () => writeOutput(join(out, 'report.json'), '{}'))
    expect(readdirSync(out)).toEqual(['report.json'])
  }, 20_000)

  it('is released when the process exits in the middle of the run', async () => {
    const out = join(dir, 'out')
    const child = await holder(out, 'process.exit(3)')
    await once(child, 'exit')
    expect(readdirSync(out)).toEqual([])
  }, 20_000)
})
