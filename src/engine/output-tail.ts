// Keeps a process's output: all of it in a log file, the last lines in memory for errors.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import type { Readable } from 'node:stream'

export class OutputTail {
  private lines: string[] = []
  private partial = ''
  private readonly file: WriteStream | null
  private closed = false

  constructor(
    private readonly maxLines = 40,
    logPath?: string
  ) {
    if (logPath) mkdirSync(dirname(logPath), { recursive: true })
    this.file = logPath ? createWriteStream(logPath) : null
    // A log that cannot be written is no reason to stop the gate; the tail in memory remains.
    this.file?.on('error', () => {})
  }

  attach(stream: Readable | null): void {
    stream?.on('data', (chunk: Buffer) => this.push(chunk.toString('utf8')))
  }

  push(text: string): void {
    if (!this.closed) this.file?.write(text)
    const parts = (this.partial + text).split('\n')
    this.partial = parts.pop() ?? ''
    this.lines.push(...parts)
    if (this.lines.length > this.maxLines) this.lines.splice(0, this.lines.length - this.maxLines)
  }

  text(): string {
    return [...this.lines, this.partial].filter((l) => l !== '').join('\n')
  }

  close(): void {
    this.closed = true
    this.file?.end()
  }
}
