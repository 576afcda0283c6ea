import { normalQuantile } from './normal.js'

describe('normalQuantile', () => {
  // scipy.stats.norm.ppf, scipy 1.17.
  it.each([
    [0.5, 0],
    [0.3, -0.5244005127080409],
    [0.8, 0.8416212335729143],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [1 - 0.025 / 3, 2.3939797998185104],
    [1 - 0.025 / 4, 2.497705474412374],
    [0.02425, -1.972961051311885],
    [1 - 1e-6, 4.753424308817087],
    [1e-10, -6.361340902404056]
  ])("Φ⁻¹(%p) = %p to the approximation's 1.2e-9 relative error", (p, z) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1.2e-9 * Math.abs(z))
  })

  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(1)).toThrow('p must be in (0, 1), got 1')
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError)
  })
})
