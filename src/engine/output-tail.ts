// Keeps a process's output: a log file for the artifact and the last lines in memory for
// errors. Both are bounded whatever the process prints (a service or a load tool can flood
// or print megabytes without a newline), and secrets are hidden before anything is kept.
import { constants, createWriteStream, openSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { redactText } from '../redact.js'
import { formatBytes } from '../units.js'
import { OutputError } from '../errors.js'
import { mkdirOutput } from './out-dir.js'

/** The log file keeps this much of the start of the output, then the last lines. */
export const MAX_LOG_BYTES = 8 * 1024 * 1024
/** A longer line is cut: one line must not hold megabytes in memory. */
export const MAX_LINE_CHARS = 4096
// Lines are redacted and written in batches: one regex pass over 64 KiB costs far less than one per line.
const LOG_BATCH_CHARS = 65536

export interface OutputTailOptions {
  /** Applied to whole lines (one or many) before they are logged or shown; redactText by default. */
  redact?: (line: string) => string
  maxLogBytes?: number
  /** Sees every line as it ends (cut at MAX_LINE_CHARS, not redacted): a line the tail may lose is kept there. */
  onLine?: (line: string) => void
}

export class OutputTail {
  // Raw lines, up to twice maxLines, trimmed in batches; redacted only when shown.
  private readonly lines: string[] = []
  private partial = ''
  private partialCut = false
  private readonly file: WriteStream | null
  private readonly redact: (line: string) => string
  private readonly maxLogBytes: number
  private readonly onLine?: (line: string) => void
  // Lines not yet redacted and written to the log.
  private pending = ''
  private logBytes = 0
  private logCut = false
  private bytesLeftOut = 0
  private linesSinceCut = 0
  private closed = false

  constructor(
    private readonly maxLines = 40,
    logPath?: string,
    options: OutputTailOptions = {}
  ) {
    this.redact = options.redact ?? redactText
    this.maxLogBytes = options.maxLogBytes ?? MAX_LOG_BYTES
    this.onLine = options.onLine
    // A log that cannot be written is no reason to stop the gate; the tail in memory remains.
    this.file = logPath ? openLog(logPath) : null
    this.file?.on('error', () => {})
  }

  /** Whether the log file was cut at its size cap, so the report can say so. */
  get truncated(): boolean {
    return this.logCut
  }

  attach(stream: Readable | null): void {
    // A decoder per stream: a chunk may end inside a multi-byte character.
    const decoder = new StringDecoder('utf8')
    stream?.on('data', (chunk: Buffer) => this.push(decoder.write(chunk)))
    stream?.on('end', () => this.push(decoder.end()))
  }

  /** Linear in text.length: each character is looked at once, at most MAX_LINE_CHARS are kept. */
  push(text: string): void {
    let start = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.append(text, start, nl)
      this.endLine()
      start = nl + 1
    }
    this.append(text, start, text.length)
  }

  text(): string {
    const shown = [...this.lines.slice(-this.maxLines), this.partialShown()].filter((l) => l !== '')
    return this.redact(shown.join('\n'))
  }

  /** Ends the log with the partial line, and after a cut with the last lines; resolves once written. */
  close(): Promise<void> {
    if (this.closed || !this.file) return Promise.resolve()
    if (this.partial !== '') this.endLine()
    this.flushLog()
    this.closed = true
    if (this.logCut) {
      const last = this.lines.slice(-Math.min(this.maxLines, this.linesSinceCut))
      const leftOut = this.bytesLeftOut - last.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 0)
      this.file.write(
        `[memgate: ${formatBytes(leftOut)} of output left out: the log keeps the first ${formatBytes(this.maxLogBytes)} and the last ${last.length} lines]\n`
      )
      if (last.length) this.file.write(this.redact(last.join('\n')) + '\n')
    }
    const file = this.file
    return new Promise((resolve) => file.end(resolve))
  }

  private append(text: string, from: number, to: number): void {
    const room = MAX_LINE_CHARS - this.partial.length
    if (to - from > room) this.partialCut = true
    if (room > 0) this.partial += text.slice(from, Math.min(to, from + room))
  }

  private endLine(): void {
    const line = this.partialShown()
    this.partial = ''
    this.partialCut = false
    this.lines.push(line)
    this.onLine?.(line)
    if (this.lines.length > 2 * this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines)
    if (!this.file || this.closed) return
    if (this.logCut) return this.leaveOut(Buffer.byteLength(line) + 1)
    this.pending += line + '\n'
    if (this.pending.length >= LOG_BATCH_CHARS) this.flushLog()
  }

  /** Redacts and writes the pending lines; the first line past the cap cuts the log. */
  private flushLog(): void {
    if (this.pending === '' || !this.file) return
    const text = this.redact(this.pending)
    this.pending = ''
    if (this.logBytes + Buffer.byteLength(text) <= this.maxLogBytes) {
      this.logBytes += Buffer.byteLength(text)
      this.file.write(text)
      return
    }
    for (const line of text.slice(0, -1).split('\n')) {
      const bytes = Buffer.byteLength(line) + 1
      if (this.logCut || this.logBytes + bytes > this.maxLogBytes) {
        this.logCut = true
        this.leaveOut(bytes)
      } else {
        this.logBytes += bytes
        this.file.write(line + '\n')
      }
    }
  }

  private leaveOut(bytes: number): void {
    this.bytesLeftOut += bytes
    this.linesSinceCut++
  }

  /** The partial line as kept: with a mark when it was cut. */
  private partialShown(): string {
    return this.partialCut
      ? `${this.partial} [memgate: line cut at ${MAX_LINE_CHARS} characters]`
      : this.partial
  }
}

function openLog(path: string): WriteStream {
  // Through no link: a service may have planted one in its logs folder, or at the log's name.
  mkdirOutput(dirname(path))
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW)
  } catch (e) {
    throw new OutputError(
      path,
      `cannot be written (${(e as Error).message.split(',')[0]}); memgate writes through no link`
    )
  }
  return createWriteStream('', { fd })
}
