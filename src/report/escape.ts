// Text from profiles (function names, file paths) and, in comment mode, from a fork's
// report.json goes into comments that GitHub renders with cmark-gfm, then links
// (autolinks, @mentions, #123 / GH-3 / owner/repo#3 references) outside code. Every
// character that could start markup becomes an entity, so `<img onerror=…>`, `</details>`,
// `|` or `*` show as themselves; but cmark decodes entities before it autolinks and GitHub
// filters the decoded text, so a word that could become a link, mention or reference is
// shown as a code span instead, where neither runs (checked with cmark-gfm in
// test/github/cmark.test.ts).
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
  '@': '&#64;'
}

/** What makes a word a link, mention or reference: schemes, www., e-mail and mentions, issue numbers. */
const TRIGGER = /[@#]|:\/\/|www\.|gh-\d|mailto:|xmpp:/i

/**
 * Characters that show nothing or reorder what follows (controls, zero-width, bidi):
 * `main.(*Cache).\u202etuP` must not display as `…Put`. Shown as `\u202e`.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it finds
  /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/** Invisible characters written as `\uXXXX`, line ends as spaces: one visible line. */
function visible(text: string): string {
  return text
    .replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\r\n]/g, ' ')
}

export function escapeText(text: string): string {
  return visible(text)
    .split(/( +)/)
    .map((word) =>
      TRIGGER.test(word) ? codeSpan(word) : word.replace(/[&<>"'|`*_[\]\\~#@]/g, (c) => ENTITY[c])
    )
    .join('')
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

/** Text in an HTML block (`<pre>`, an attribute), where markdown is not parsed: HTML escaping, on one visible line. */
export function escapeHtml(text: string): string {
  return escapeXml(visible(text))
}

/** A number from report.json, which in the fork-safe comment mode comes from untrusted code. */
export function num(value: unknown, digits?: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—'
  return digits === undefined ? String(value) : value.toFixed(digits)
}

/** Profile text shown as code. */
export function code(text: string): string {
  return codeSpan(visible(text))
}

/**
 * A markdown code span: nothing in it is parsed, decoded, autolinked or filtered by GitHub.
 * Its fence is longer than any run of backticks in it; a `|` ends the span and is written
 * as an entity between two, since a table splits its cells at every `|`, even in code.
 */
function codeSpan(text: string): string {
  return text
    .split('|')
    .map((part) => {
      if (!part) return ''
      const longest = (part.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0)
      const fence = '`'.repeat(longest + 1)
      // A span that starts or ends with a backtick or a space loses one space each side.
      const pad = /^[ `]|[ `]$/.test(part) ? ' ' : ''
      return `${fence}${pad}${part}${pad}${fence}`
    })
    .join('&#124;')
}
