import { stripControl } from './escape.js'

describe('stripControl', () => {
  it.each([
    ['colours', '\x1b[31mred\x1b[0m and \x1b[1;38;5;196mbold\x1b[m', 'red and bold'],
    ['a clear screen and a cursor move', '\x1b[2J\x1b[Hmain.leak', 'main.leak'],
    ['a window title (OSC ended by BEL)', '\x1b]0;pwned\x07main.f', 'main.f'],
    ['a hyperlink (OSC ended by ST)', '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['an unterminated OSC, to the end of its line', 'main.f\x1b]0;title\nnext', 'main.f\nnext'],
    ['the 8-bit CSI', '\x9b31mred', 'red'],
    ['save and restore cursor, charset', '\x1b7a\x1b8b\x1b(Bc', 'abc'],
    ['a carriage return that overwrites the line', 'FAIL\rPASS', 'FAILPASS'],
    ['backspaces', 'leak\b\b\b\bnone', 'leaknone'],
    ['NUL, BEL, vertical tab, form feed, DEL', 'a\x00b\x07c\x0bd\x0ce\x7ff', 'abcdef'],
    ['C1 controls', 'a\x85b\x9dc', 'abc'],
    ['bidirectional overrides', 'main.\u202egnp.fig\u202c', 'main.gnp.fig'],
    ['a lone ESC', 'a\x1b', 'a']
  ])('removes %s', (_case, text, shown) => expect(stripControl(text)).toBe(shown))

  it('keeps newlines, tabs and any printable text', () => {
    const text = 'goroutine 1 [running]:\n\tmain.main()\n\t\t/src/main.go:12 +0x1d\nÜnïcödé → 漢字 😀 [x] {y}'
    expect(stripControl(text)).toBe(text)
  })

  it('costs linear time on long runs of escapes', () => {
    // Quadratic behaviour would take minutes here, far past the test's timeout.
    for (const unit of ['\x1b[', '\x1b]', '\x1b[1;', '\x9b1', '\x1b(']) {
      const shown = stripControl(unit.repeat(200_000) + '\n')
      expect(shown.includes('\x1b') || shown.includes('\x9b')).toBe(false)
      expect(shown.endsWith('\n')).toBe(true)
    }
  })
})
