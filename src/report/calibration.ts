// `memgate calibrate`'s findings -> text for the terminal, ending with the input to set.
import { JUDGED_SERIES, SERIES, type Calibration } from '../model.js'
import { formatRate, formatSignedRate } from '../units.js'
import { confidenceText } from './judgement.js'

export function renderCalibration(c: Calibration): string {
  const lines = [
    `go-memgate calibrate: ${c.pairs} pairs of runs of the same build, ${Math.round(c.secondsPerRun)} s a run`,
    ''
  ]
  const rows: string[][] = [['', 'b − a: sd', 'min … max', 'spread of a run (τ)', 'upper bound']]
  for (const s of JUDGED_SERIES) {
    const p = c.series[s]
    if (!p) continue
    const unit = SERIES[s].unit
    rows.push([
      SERIES[s].label,
      formatRate(p.differenceSdPerSec, unit),
      `${formatSignedRate(Math.min(...p.differencesPerSec), unit)} … ${formatSignedRate(Math.max(...p.differencesPerSec), unit)}`,
      formatRate(p.spreadPerSec, unit),
      `${formatRate(p.spreadUpperPerSec, unit)} (${Math.round(100 * p.confidence)}%)`
    ])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const r of rows) lines.push(`  ${r.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd())
  lines.push('')
  const confidence = confidenceText(c.confidence)
  for (const s of JUDGED_SERIES) {
    const p = c.series[s]
    if (!p) continue
    lines.push(
      `  ${SERIES[s].label}: ${p.excludingZeroWithin} of ${p.differencesPerSec.length} ${confidence} intervals of b − a exclude 0 on each run's own error; ${p.excludingZeroWithFloor} with baseline-noise-floor ${formatRate(p.floorPerSec, SERIES[s].unit)} counted`
    )
  }
  if (Object.keys(c.series).length === 0)
    lines.push('  No series had a trend in two pairs: nothing to calibrate.')
  const floor = JUDGED_SERIES.map((s) => floorInput(c.floorPerSec[s], SERIES[s].unit)).join(', ')
  lines.push(
    '',
    'Two runs of this service differ by the spread above beyond their own intervals; the gate',
    'counts it in head − base. Set it in the workflow (or pass --baseline-noise-floor):',
    `  baseline-noise-floor: ${floor}`
  )
  return lines.join('\n')
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB']

/** A rate per minute as the input is written, rounded up to three digits: a floor must not shrink. */
export function floorInput(perSec: number, unit: 'bytes' | 'count'): string {
  let v = Math.max(0, perSec * 60)
  let i = 0
  while (unit === 'bytes' && v >= 1024 && i < BYTE_UNITS.length - 1) [v, i] = [v / 1024, i + 1]
  const step = v > 0 ? 10 ** (Math.floor(Math.log10(v)) - 2) : 1
  const up = Number((Math.ceil(v / step - 1e-9) * step).toPrecision(3))
  return `${up}${unit === 'bytes' ? BYTE_UNITS[i] : ''}/min`
}
