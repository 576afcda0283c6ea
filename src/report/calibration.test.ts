import { parseRate } from '../units.js'
import { floorInput } from './calibration.js'

describe('floorInput', () => {
  it.each<[number, 'bytes' | 'count', string]>([
    [30932.992, 'bytes', '1.77MiB/min'],
    [2048 / 60, 'bytes', '2KiB/min'],
    [10, 'bytes', '600B/min'],
    [0, 'bytes', '0B/min'],
    [0.0035, 'count', '0.21/min'],
    [0.00351, 'count', '0.211/min']
  ])('writes %p %s as %s, never below it, in a form the input reads', (perSec, unit, text) => {
    expect(floorInput(perSec, unit)).toBe(text)
    const back = parseRate(text)
    expect(back.kind).toBe(unit)
    expect(back.value).toBeGreaterThanOrEqual(perSec - 1e-12)
    expect(back.value).toBeLessThanOrEqual(perSec * 1.01 + 1e-12)
  })
})
