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

// Markup, and what XML 1.0 does not allow even as an entity (C0 controls but tab, newline
// and CR; U+FFFE, U+FFFF; lone surrogates): one such character makes the whole SVG unreadable.
const XML_MARKUP = `&<>"'`
const XML_ESCAPE = /[&<>"']|[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * Text in SVG (the flame graph): every character that could start markup becomes an entity,
 * and every one XML 1.0 forbids is shown as its escape, `\u0001`.
 */
export function escapeXml(text: string): string {
  return text.replace(XML_ESCAPE, (c) =>
    XML_MARKUP.includes(c) ? `&#${c.charCodeAt(0)};` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
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
