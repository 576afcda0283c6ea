// GET over node:http(s), one connection a request, with a deadline, an abort signal and a
// size cap: how memgate reads the service's endpoints while it samples. Not fetch: over a
// thousand requests undici's fetch grew memgate's RSS by about 60 MiB where node:http
// stays flat (issue 11), and a long gate makes thousands.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { stripControl } from '../redact.js'

export interface HttpGetOptions {
  headers?: Record<string, string>
  /** For the whole request: connecting, the headers and the body. */
  timeoutMs: number
  signal?: AbortSignal
  /** The most read of a body; reading stops there and the connection is dropped. */
  maxBytes: number
  /** The same for an error page (any status but 2xx), of which only the start is shown. */
  maxErrorBytes?: number
}

export interface HttpAnswer {
  status: number
  /** A 2xx status. */
  ok: boolean
  /** The body, or its first `maxBytes` when `cut`. */
  bytes: Buffer
  /** The body was larger than the cap (or said so in Content-Length): not all of it was read. */
  cut: boolean
}

export function httpGet(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason)
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    // agent false: a connection of its own, closed after the answer. A kept-alive connection
    // that is replaced now and then adds the server's goroutine for it to some counts only.
    const req = send(target, { agent: false, headers: { connection: 'close', ...options.headers } }, (res) =>
      read(res, res.statusCode ?? 0)
    )
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms (timeout)`)),
      options.timeoutMs
    )
    const onAbort = () => req.destroy(options.signal?.reason ?? new Error('aborted'))
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
    }
    req.once('error', (e) => {
      done()
      reject(e)
    })
    req.end()

    function read(res: IncomingMessage, status: number): void {
      const ok = status >= 200 && status < 300
      const cap = ok ? options.maxBytes : (options.maxErrorBytes ?? 1024)
      const answer = (bytes: Buffer, cut: boolean) => {
        done()
        if (cut) req.destroy()
        resolve({ status, ok, bytes, cut })
      }
      // Content-Length, when given, tells at once; else reading stops at the cap.
      if (ok && Number(res.headers['content-length'] ?? 0) > cap) return answer(Buffer.alloc(0), true)
      const chunks: Buffer[] = []
      let total = 0
      res.on('data', (chunk: Buffer) => {
        if (total + chunk.length > cap) {
          chunks.push(chunk.subarray(0, cap - total))
          res.removeAllListeners('data')
          return answer(Buffer.concat(chunks), true)
        }
        chunks.push(chunk)
        total += chunk.length
      })
      res.once('end', () => answer(Buffer.concat(chunks, total), false))
      res.once('error', (e) => {
        done()
        reject(e)
      })
    }
  })
}

/** A failed answer in one line: its status and the start of its page, without terminal escapes. */
export function failureLine(answer: HttpAnswer): string {
  const page = stripControl(answer.bytes.toString('utf8', 0, 200)).replace(/\s+/g, ' ')
  return `HTTP ${answer.status} ${page}`.trim()
}
