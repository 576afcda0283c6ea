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
