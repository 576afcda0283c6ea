/** One reading of a series: seconds since sampling began, and its value. */
export interface Point {
  t: number
  v: number
}
