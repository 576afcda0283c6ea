// The standard normal quantile, for the z of each look and of the power of a test.

// Acklam's rational approximations (relative error below 1.2e-9 over (0, 1)).
const CENTRAL_NUM = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239
]
const CENTRAL_DEN = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1
]
const TAIL_NUM = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783
]
const TAIL_DEN = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
const TAIL_START = 0.02425

/** Horner's rule; `leadingOne` appends the implicit trailing coefficient 1 of the denominators. */
function polynomial(coefficients: number[], x: number, leadingOne = false): number {
  const value = coefficients.reduce((acc, c) => acc * x + c, 0)
  return leadingOne ? value * x + 1 : value
}

/** z such that P(Z ≤ z) = p for a standard normal Z. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`)
  if (p < TAIL_START) {
    const q = Math.sqrt(-2 * Math.log(p))
    return polynomial(TAIL_NUM, q) / polynomial(TAIL_DEN, q, true)
  }
  if (p > 1 - TAIL_START) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r, true)
}

/** Φ(z) by bisection on the quantile: exact enough for a confidence printed to a tenth of a percent. */
function normalCdf(z: number): number {
  let [lo, hi] = [1e-12, 1 - 1e-12]
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2
    if (normalQuantile(mid) < z) lo = mid
    else hi = mid
  }
  return (lo + hi) / 2
}

/** The two-sided confidence of bounds read at ±z: 1 − 2·Φ(−z). */
export function twoSidedConfidence(z: number): number {
  return 1 - 2 * (1 - normalCdf(z))
}
