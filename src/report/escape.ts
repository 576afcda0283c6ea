// Text from profiles (function names, file paths) goes into comments that GitHub
// renders as markdown and HTML: every character that could start markup becomes an
// entity, so `<img onerror=…>`, `</details>`, `|` or `*` show as themselves.
const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  '#': '&#35;',
  '@': '&#64;',
  '\n': ' ',
  '\r': ' '
}

export function escapeText(text: string): string {
  return text.replace(/[&<>"'|`*_[\]\\~#@\r\n]/g, (c) => ENTITY[c])
}

/** Text in SVG (the flame graph): every character that could start markup becomes an entity. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A number from report.json, which in the fork-safe comment mode comes from untrusted code. */
export function num(value: unknown, digits?: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—'
  return digits === undefined ? String(value) : value.toFixed(digits)
}

/** Profile text shown as code. */
export function code(text: string): string {
  return `<code>${escapeText(text)}</code>`
}

/* eslint-disable no-control-regex -- matching control characters is the point */
// Terminal escapes: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \, or to the end of the line), the
// 8-bit CSI, and the other ESC sequences (ESC, intermediates, a final: ESC 7, ESC ( B).
const ANSI_ESCAPE =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]/g
// C0 and C1 controls but \t and \n (\r too: it lets a line overwrite itself), DEL, and the
// bidirectional overrides that make a line show in another order than it reads.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g
/* eslint-enable no-control-regex */

/** Text from a profile or a process, safe to print to a terminal: no escapes, no control characters but \n and \t. */
export function stripControl(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(CONTROL, '')
}
