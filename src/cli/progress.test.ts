import type { LogEvent } from '../model.js'
import { cliLog, redacting } from './progress.js'

/** A writer that keeps what it is given, as a terminal of `columns` or as a pipe. */
function writer(isTTY: boolean, columns = 80) {
  const w = { text: '', isTTY, columns, write: (t: string) => (w.text += t) }
  return w
}

const warmUp = (elapsedSec: number): [string, LogEvent] => [
  `head: warm-up ${elapsedSec}s of 12s`,
  { kind: 'warm-up', label: 'head', elapsedSec, totalSec: 12 }
]
const sample = (n: number): [string, LogEvent] => [
  `  head sample ${n}/30 at ${n - 1}.0s, ≤ ${30 - n}s left  heap 5.00 MiB`,
  { kind: 'sample', label: 'head', sample: n, samples: 30, secondsLeft: 30 - n }
]

describe('cliLog', () => {
  it('on a terminal, redraws one line for warm-up and samples, and prints other lines above it', () => {
    const out = writer(true)
    const log = cliLog(out)
    log(...warmUp(1))
    log(...warmUp(2))
    log('head: sampling every 1s, looking at the growth every 30s up to 120s', {
      kind: 'group-start',
      label: 'head'
    })
    log(...sample(1))
    log(...sample(2))
    log('head: look 1 of 4 at 30.0s: live heap pass (upper below limit); stop')
    log(...sample(3))
    log.clear()
    expect(out.text.split('\r\x1b[K')).toEqual([
      'head: warm-up 1s of 12s',
      'head: warm-up 2s of 12s',
      'head: sampling every 1s, looking at the growth every 30s up to 120s\nhead sample 1/30 at 0.0s, ≤ 29s left  heap 5.00 MiB',
      'head sample 2/30 at 1.0s, ≤ 28s left  heap 5.00 MiB',
      'head: look 1 of 4 at 30.0s: live heap pass (upper below limit); stop\nhead sample 3/30 at 2.0s, ≤ 27s left  heap 5.00 MiB',
      ''
    ])
  })

  it('keeps the redrawn line narrower than the terminal: a wrapped line cannot be redrawn', () => {
    const out = writer(true, 20)
    cliLog(out)(...sample(1))
    expect(out.text).toBe('head sample 1/30 at')
  })

  it('elsewhere, prints every line, and the warm-up every 5 s', () => {
    const out = writer(false)
    const log = cliLog(out)
    for (let s = 1; s < 12; s++) log(...warmUp(s))
    log(...sample(1))
    log.clear()
    expect(out.text.split('\n')).toEqual([
      'head: warm-up 5s of 12s',
      'head: warm-up 10s of 12s',
      '  head sample 1/30 at 0.0s, ≤ 29s left  heap 5.00 MiB',
      ''
    ])
  })
})

describe('redacting', () => {
  it('hides secrets in whatever is written through it, and is still the terminal it wraps', () => {
    const out = writer(true, 120)
    const shown = redacting(out)
    shown.write(`head: load "hey -a admin:heyPass9 -H 'Authorization: Bearer sekritBearer123' $URL"\n`)
    expect(out.text).toBe(`head: load "hey -a admin:*** -H 'Authorization: Bearer ***' $URL"\n`)
    out.columns = 60
    expect([shown.isTTY, shown.columns]).toEqual([true, 60])
  })
})
