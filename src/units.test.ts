import {
  formatByteRate,
  formatBytes,
  formatCountRate,
  MAX_BYTES,
  MAX_COUNT,
  MAX_DURATION_MS,
  parseBytes,
  parseDurationMs,
  parseRate,
  UnitError
} from './units.js'

describe('parseBytes', () => {
  it.each([
    ['512KiB', 524288],
    ['1MiB', 1048576],
    ['1.5 MiB', 1572864],
    ['2MB', 2_000_000],
    ['10kB', 10_000],
    ['10KB', 10_000],
    ['4096', 4096],
    ['1GiB', 1073741824]
  ])('%s is %d bytes', (text, bytes) => expect(parseBytes(text)).toBe(bytes))

  it.each(['', 'MiB', '1 parsec', '-1KiB', '1e3'])('rejects %j', (text) =>
    expect(() => parseBytes(text)).toThrow(UnitError)
  )

  it.each(['10kb', '10Mb', '1 gb'])('refuses %j, bits or bytes, naming both ways to write it', (text) => {
    const unit = text.replace(/[\d ]/g, '')
    const prefix = unit[0].toUpperCase()
    expect(() => parseBytes(text)).toThrow(
      new UnitError(`"${unit}" in "${text}" may be bits or bytes: write ${prefix}iB or ${prefix}B`)
    )
  })

  it('takes sizes up to 1024GiB and refuses larger ones and numbers too long to be finite', () => {
    expect(parseBytes('1024GiB')).toBe(MAX_BYTES)
    expect(() => parseBytes('1025GiB')).toThrow('expected a size up to 1024GiB, got "1025GiB"')
    expect(() => parseBytes('9'.repeat(400) + 'KiB')).toThrow(
      new UnitError(`expected a size up to 1024GiB, got "${'9'.repeat(40)}…"`)
    )
  })
})

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['45', 45_000],
    ['1.5s', 1500]
  ])('%s is %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms))

  it.each(['', 's', '30 seconds', '1m 30s', '-5s', '30x', 'Infinitys', 'NaN'])('rejects %j', (text) =>
    expect(() => parseDurationMs(text)).toThrow(UnitError)
  )

  it('takes durations up to a day', () => {
    expect(parseDurationMs('24h')).toBe(MAX_DURATION_MS)
    expect(parseDurationMs('23h59m60s')).toBe(MAX_DURATION_MS)
    expect(parseDurationMs('86400')).toBe(MAX_DURATION_MS)
  })

  it.each([
    ['9'.repeat(400), `"${'9'.repeat(40)}…"`],
    ['9'.repeat(400) + 'ms', `"${'9'.repeat(40)}…"`],
    ['1' + '0'.repeat(308) + 'h', `"1${'0'.repeat(39)}…"`],
    ['25h', '"25h"'],
    ['24h1ms', '"24h1ms"'],
    ['100000000s', '"100000000s"']
  ])('refuses %s, too long or not finite, in one short line', (text, shown) =>
    expect(() => parseDurationMs(text)).toThrow(new UnitError(`expected a duration up to 24h, got ${shown}`))
  )
})

describe('parseRate', () => {
  it('reads a size per minute as bytes per second', () => {
    expect(parseRate('1MiB/min')).toEqual({ value: 1048576 / 60, per: 'second', kind: 'bytes' })
    expect(parseRate('512 KiB / s')).toEqual({ value: 524288, per: 'second', kind: 'bytes' })
  })

  it('reads a bare count per time as a count', () => {
    expect(parseRate('10/min')).toEqual({ value: 10 / 60, per: 'second', kind: 'count' })
    expect(parseRate('3600/h')).toEqual({ value: 1, per: 'second', kind: 'count' })
  })

  it('reads limits per request, also over many requests', () => {
    expect(parseRate('64B/req')).toEqual({ value: 64, per: 'request', kind: 'bytes' })
    expect(parseRate('1KiB / request')).toEqual({ value: 1024, per: 'request', kind: 'bytes' })
    expect(parseRate('1/1000req')).toEqual({ value: 0.001, per: 'request', kind: 'count' })
    expect(parseRate('1/req')).toEqual({ value: 1, per: 'request', kind: 'count' })
  })

  it('names the part at fault: a time unit it does not know, a missing one, a size in bits or bytes', () => {
    expect(() => parseRate('512KB/minute')).toThrow(
      new UnitError('"512KB/minute": "/minute" is not a time unit; write /s, /min, /h or /req')
    )
    expect(() => parseRate('5MB')).toThrow(
      new UnitError('"5MB" is an amount, not a rate: add /min (or /s, /h, /req)')
    )
    expect(() => parseRate('10')).toThrow(
      new UnitError('"10" is an amount, not a rate: add /min (or /s, /h, /req)')
    )
    expect(() => parseRate('512kb/min')).toThrow(
      new UnitError('"kb" in "512kb" may be bits or bytes: write KiB or KB')
    )
    expect(parseRate('512KB/min').value).toBeCloseTo(512_000 / 60)
  })

  it.each(['1MiB', '10/fortnight', '/min', 'lots/min', 'off', '10/5min', '1/0req', 'B/req'])(
    'rejects %j',
    (text) => expect(() => parseRate(text)).toThrow(UnitError)
  )

  // A fork's report.json held 8,192 such characters: the old pattern backtracked on the
  // whitespace for 135 s a call. The lint rule regexp/no-super-linear-backtracking proves
  // the patterns linear; this shows the shapes that stalled now end at once.
  const spaces = ' '.repeat(8188)
  it.each([
    ['spaces and no slash', `1${spaces}MiB!`],
    ['spaces around a slash, then junk', `1${spaces.slice(4094)}/${spaces.slice(4094)}min!`],
    ['spaces before a unit that is not one', `1/${spaces}x!`],
    ['a size of spaces', `1${spaces}K/min`]
  ])('refuses 8,192 hostile characters (%s) without backtracking', (_, text) => {
    expect(text.length).toBeGreaterThanOrEqual(8192)
    expect(() => parseRate(text)).toThrow(UnitError)
    expect(() => parseBytes(text)).toThrow(UnitError)
  })

  it('refuses amounts too large or too long to be finite', () => {
    expect(parseRate(`${MAX_COUNT}/s`).value).toBe(MAX_COUNT)
    expect(() => parseRate('9'.repeat(400) + '/min')).toThrow(
      new UnitError(`expected a count up to 1000000000, got "${'9'.repeat(40)}…"`)
    )
    expect(() => parseRate('9'.repeat(400) + 'MiB/min')).toThrow(
      new UnitError(`expected a size up to 1024GiB, got "${'9'.repeat(40)}…"`)
    )
    expect(() => parseRate('2048GiB/min')).toThrow('expected a size up to 1024GiB, got "2048GiB"')
  })
})

describe('formatting', () => {
  it('formats sizes with IEC units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(1010 * 1024)).toBe('1010 KiB')
    expect(formatBytes(-3 * 1048576)).toBe('-3.00 MiB')
  })

  it('formats rates per minute', () => {
    expect(formatByteRate(1048576 / 60)).toBe('1.00 MiB/min')
    expect(formatCountRate(200)).toBe('12000/min')
    expect(formatCountRate(0.05)).toBe('3/min')
  })
})
