import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { MAX_LINE_CHARS, MAX_LOG_BYTES, OutputTail } from './output-tail.js'

const CUT_MARK = `[memgate: line cut at ${MAX_LINE_CHARS} characters]`
let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'output-tail-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `sh -c script` with its output attached to `tail`; resolves once the output is read. */
async function runInto(tail: OutputTail, script: string): Promise<void> {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  tail.attach(child.stdout)
  tail.attach(child.stderr)
  await new Promise((resolve) => child.once('close', resolve))
}

describe('OutputTail', () => {
  it('writes through no link a service planted at the log', () => {
    const outside = join(dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'secret'), 'kept')
    mkdirSync(join(dir, 'logs'))
    symlinkSync(join(outside, 'secret'), join(dir, 'logs', 'service.log'))
    expect(() => new OutputTail(40, join(dir, 'logs', 'service.log'))).toThrow(
      /service\.log cannot be written \(ELOOP/
    )
    expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('kept')
  })

  it('keeps the last lines and the partial line', () => {
    const tail = new OutputTail(3)
    tail.push('one\ntwo\nth')
    tail.push('ree\nfour\nfive\nsi')
    expect(tail.text()).toBe('three\nfour\nfive\nsi')
  })

  it('cuts a long line and marks it, and the next line is whole', () => {
    const tail = new OutputTail(5)
    tail.push('x'.repeat(MAX_LINE_CHARS + 10))
    tail.push('y'.repeat(10) + '\nnext')
    expect(tail.text()).toBe(`${'x'.repeat(MAX_LINE_CHARS)} ${CUT_MARK}\nnext`)
  })

  it('holds little for 64 MiB without a newline, in one piece or in pipe-sized chunks', () => {
    const huge = 'x'.repeat(64 * 1024 * 1024)
    const whole = new OutputTail()
    whole.push(huge)
    const chunked = new OutputTail()
    for (let at = 0; at < huge.length; at += 65536) chunked.push(huge.slice(at, at + 65536))
    for (const tail of [whole, chunked]) {
      expect(tail.text().length).toBeLessThanOrEqual(MAX_LINE_CHARS + CUT_MARK.length + 1)
      expect(tail.text().endsWith(CUT_MARK)).toBe(true)
    }
  })

  it('reads 64 MiB without a newline from a real process and logs one cut line', async () => {
    const logPath = join(dir, 'service.log')
    const tail = new OutputTail(40, logPath)
    await runInto(tail, "head -c 67108864 /dev/zero | tr '\\0' x")
    await tail.close()
    expect(tail.text().length).toBeLessThanOrEqual(MAX_LINE_CHARS + CUT_MARK.length + 1)
    expect(readFileSync(logPath, 'utf8')).toBe(`${'x'.repeat(MAX_LINE_CHARS)} ${CUT_MARK}\n`)
    expect(tail.truncated).toBe(false)
  })

  it('caps the log of a flooding process and ends it with a note and the last lines', async () => {
    const logPath = join(dir, 'load.log')
    const tail = new OutputTail(5, logPath)
    await runInto(tail, 'seq 1 3000000')
    await tail.close()
    expect(tail.truncated).toBe(true)
    const size = statSync(logPath).size
    expect(size).toBeLessThanOrEqual(MAX_LOG_BYTES + 200)
    expect(size).toBeGreaterThan(MAX_LOG_BYTES - 100)
    const end = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-7)
    // seq 1 3000000 prints 22.9 MB; the first 8 MiB end with line 1,187,464.
    expect(end).toEqual([
      '1187464',
      '[memgate: 13.8 MiB of output left out: the log keeps the first 8.00 MiB and the last 5 lines]',
      '2999996',
      '2999997',
      '2999998',
      '2999999',
      '3000000'
    ])
    expect(tail.text()).toBe('2999996\n2999997\n2999998\n2999999\n3000000')
  }, 30_000)

  it('does not mark a log cut that fits', async () => {
    const tail = new OutputTail(40, join(dir, 'small.log'))
    await runInto(tail, 'seq 1 1000')
    await tail.close()
    expect(tail.truncated).toBe(false)
    expect(readFileSync(join(dir, 'small.log'), 'utf8')).toMatch(/^1\n2\n[\s\S]*\n1000\n$/)
  })

  it('hides credentials in the log and in the lines it shows', async () => {
    const logPath = join(dir, 'service.log')
    const tail = new OutputTail(40, logPath)
    await runInto(
      tail,
      'echo "connecting to redis://:s3cret@cache:6379"; echo "token=abc123" >&2; printf "db postgres://u:pw@db/x"'
    )
    await tail.close()
    for (const text of [tail.text(), readFileSync(logPath, 'utf8')]) {
      expect(text).toContain('redis://***@cache:6379')
      expect(text).toContain('postgres://***@db/x')
      expect(text).not.toMatch(/s3cret|abc123|u:pw/)
    }
  })

  it('hides what the given redaction hides', () => {
    const tail = new OutputTail(40, undefined, { redact: (line) => line.replaceAll('plain-secret', '***') })
    tail.push('the value is plain-secret\n')
    expect(tail.text()).toBe('the value is ***')
  })

  it('decodes a character split between chunks', () => {
    const tail = new OutputTail()
    const stream = new PassThrough()
    tail.attach(stream)
    const bytes = Buffer.from('heap ≥ limit\n')
    stream.write(bytes.subarray(0, 6))
    stream.write(bytes.subarray(6))
    expect(tail.text()).toBe('heap ≥ limit')
  })
})
