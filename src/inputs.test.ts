// The inputs table is the one place an input is written: Config, its parsing and the CLI's flags follow.
import { parseConfig } from './config.js'
import { INPUTS, type InputSpec } from './inputs.js'

describe('INPUTS', () => {
  it('gives each input its own name and its own Config field', () => {
    expect(new Set(INPUTS.map((i) => i.name)).size).toBe(INPUTS.length)
    expect(new Set(INPUTS.map((i) => i.field)).size).toBe(INPUTS.length)
  })

  it('makes Config of exactly its fields, each the value of its parser', () => {
    const config = parseConfig({})
    expect(Object.keys(config).sort()).toEqual(INPUTS.map((i) => i.field).sort())
    const text = (name: string) => INPUTS.find((i) => i.name === name)?.default ?? ''
    for (const input of INPUTS)
      expect({ [input.name]: config[input.field] }).toEqual({
        [input.name]: input.parse(input.default, { event: {}, default: input.default, text })
      })
  })

  it('uses the entry of an input given: its parser reads what was written', () => {
    expect(parseConfig({ rate: '50', 'fail-on': 'never', quiesce: 'off' })).toMatchObject({
      ratePerSec: 50,
      failOn: 'never',
      quiesce: false
    })
  })

  it('refuses, at compile time, an entry without a parser', () => {
    // @ts-expect-error: an input without `parse` has no Config value
    const entry: InputSpec = { name: 'colour', field: 'colour', default: '', description: 'A colour.' }
    expect(entry.parse).toBeUndefined()
  })
})
