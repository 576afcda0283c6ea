// Human units for the inputs: sizes ("512KiB"), durations ("30s", "1m30s") and
// rates ("1MiB/min", "10/min"). Parsers throw UnitError with what was expected;
// config.ts adds the input's name.

export class UnitError extends Error {}

/** The longest duration: a day. Longer is a typo, and Node's timers fire at once past 24.8 days. */
export const MAX_DURATION_MS = 24 * 3_600_000
/** The largest size, 1024GiB. */
export const MAX_BYTES = 1024 ** 4
/** The largest count in a rate (goroutines per time unit). */
export const MAX_COUNT = 1e9

/** The input as echoed in an error: a 400-digit number is shown by its start. */
function quoted(text: string): string {
  return `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}"`
}

const SIZE_FACTORS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3
}

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }

const PER_SEC: Record<string, number> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600, hour: 1 / 3600 }

/** "512KiB" -> 524288 bytes. IEC (KiB) and SI (kB) units; a bare number is bytes. */
export function parseBytes(text: string): number {
  const bytes = sizeIn(text)
  if (bytes === undefined) throw new UnitError(`expected a size such as 512KiB or 2MB, got ${quoted(text)}`)
  return bytes
}

/** The size `text` gives, or undefined when it is not written as a size; too large throws. */
function sizeIn(text: string): number | undefined {
  // Trimmed first: spaces on both sides of an optional unit would backtrack quadratically.
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const factor = m ? SIZE_FACTORS[m[2].toLowerCase()] : undefined
  if (!m || factor === undefined) return undefined
  // A lower-case b is a bit in "kb" or "Mb": which was meant cannot be told, so neither is guessed.
  if (/^[kmg]b$/i.test(m[2]) && m[2].endsWith('b')) {
    const prefix = m[2][0].toUpperCase()
    throw new UnitError(`"${m[2]}" in ${quoted(text)} may be bits or bytes: write ${prefix}iB or ${prefix}B`)
  }
  const bytes = Number(m[1]) * factor
  // Also refuses a number too long to be finite.
  if (!(bytes <= MAX_BYTES)) throw new UnitError(`expected a size up to 1024GiB, got ${quoted(text)}`)
  return bytes
}

/** "1m30s" -> 90000 ms. Units ms, s, m, h; a bare number is seconds. */
export function parseDurationMs(text: string): number {
  const t = text.trim()
  const parts = /^\d+(\.\d+)?$/.test(t) ? [[t, t, 's']] : [...t.matchAll(/(\d+(?:\.\d+)?)(ms|min|s|m|h)/gy)]
  if (t === '' || parts.map((p) => p[0]).join('') !== t)
    throw new UnitError(`expected a duration such as 30s, 2m or 1m30s, got ${quoted(text)}`)
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_MS[p[2]], 0)
  // Also refuses a number too long to be finite.
  if (!(ms <= MAX_DURATION_MS)) throw new UnitError(`expected a duration up to 24h, got ${quoted(text)}`)
  return ms
}

export interface Rate {
  /** Units per second, or per request when `per` is 'request'. */
  value: number
  per: 'second' | 'request'
  /** Whether the numerator is a size (bytes) or a plain count (goroutines). */
  kind: 'bytes' | 'count'
}

/** "1MiB/min" -> {perSec: 17476.27, kind: 'bytes'}; "10/min" -> {perSec: 0.1667, kind: 'count'}. */
export function parseRate(text: string): Rate {
  // Split at the first slash, then trimmed: one pattern over "amount / per" backtracked on
  // whitespace (8,192 characters took 135 s), and a fork's report holds such text.
  const slash = text.indexOf('/')
  const amount = text.slice(0, slash).trim()
  const m = slash > 0 && amount ? /^(\d*)\s*([a-z]+)$/i.exec(text.slice(slash + 1).trim()) : null
  const unit = m?.[2].toLowerCase() ?? ''
  const perRequest = unit === 'req' || unit === 'request' || unit === 'requests'
  const perSec = PER_SEC[unit]
  // "1/1000req": a count over many requests; the time units take no count ("10/5min" is not a rate).
  const requests = m?.[1] ? Number(m[1]) : 1
  const expected = `expected a rate such as 1MiB/min, 10/min, 64B/req or 1/1000req, got ${quoted(text)}`
  if (slash < 0 && isAmount(text.trim()))
    throw new UnitError(`${quoted(text)} is an amount, not a rate: add /min (or /s, /h, /req)`)
  if (slash > 0 && isAmount(amount) && !m?.[1] && !perRequest && perSec === undefined)
    throw new UnitError(
      `${quoted(text)}: ${quoted(text.slice(slash).trim())} is not a time unit; write /s, /min, /h or /req`
    )
  if (!m || (!perRequest && (perSec === undefined || m[1])) || !(requests >= 1 && requests <= MAX_COUNT))
    throw new UnitError(expected)
  const per = perRequest ? 'request' : 'second'
  const scale = perRequest ? 1 / requests : perSec
  if (/^\d+(\.\d+)?$/.test(amount)) {
    if (!(Number(amount) <= MAX_COUNT))
      throw new UnitError(`expected a count up to ${MAX_COUNT}, got ${quoted(text)}`)
    return { value: Number(amount) * scale, per, kind: 'count' }
  }
  const bytes = sizeIn(amount)
  if (bytes === undefined) throw new UnitError(expected)
  return { value: bytes * scale, per, kind: 'bytes' }
}

/** Whether `text` is a count or a size, such as the part of a rate before its slash. */
function isAmount(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text) || sizeIn(text) !== undefined
}

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** 1536 -> "1.5 KiB". Signed, three significant digits. */
export function formatBytes(bytes: number): string {
  // No "-0 B": a value that rounds to zero has no sign.
  const sign = bytes <= -0.5 ? '-' : ''
  let v = Math.abs(bytes)
  let i = 0
  while (v >= 1024 && i < IEC.length - 1) {
    v /= 1024
    i++
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2
  return `${sign}${v.toFixed(digits)} ${IEC[i]}`
}

/** Bytes per second shown per minute, the unit the limits are written in. */
export function formatByteRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec * 60)}/min`
}

export function formatCountRate(perSec: number): string {
  const perMin = perSec * 60
  return `${Math.abs(perMin) >= 100 ? Math.round(perMin) : Number(perMin.toPrecision(2))}/min`
}

/** A growth rate in its series' unit: "3.25 MiB/min", "12/min". */
export function formatRate(perSec: number, unit: 'bytes' | 'count'): string {
  return unit === 'bytes' ? formatByteRate(perSec) : formatCountRate(perSec)
}

/** A difference of rates, signed: "+3.25 MiB/min", "-12/min". */
export function formatSignedRate(perSec: number, unit: 'bytes' | 'count'): string {
  return (perSec > 0 ? '+' : '') + formatRate(perSec, unit)
}
