// action.yml and the README's inputs table must say what src/inputs.ts says.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { INPUTS, OUTPUTS } from '../../src/inputs.js'

interface ActionYml {
  name: string
  description: string
  runs: { using: string; main: string; post?: string }
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml

describe('action.yml', () => {
  it('runs on node24 from the bundle', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  it('declares exactly the inputs of src/inputs.ts, same descriptions and defaults', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((i) => i.name))
    for (const input of INPUTS) {
      expect({ name: input.name, ...action.inputs[input.name] }).toEqual({
        name: input.name,
        description: input.description,
        required: false,
        default: input.default
      })
    }
  })

  it('declares exactly the outputs of src/inputs.ts', () => {
    expect(action.outputs).toEqual(
      Object.fromEntries(OUTPUTS.map((o) => [o.name, { description: o.description }]))
    )
  })
})

// Every input and output must be in the README's tables.
const readme = readFileSync('README.md', 'utf8')
const section = (title: string) =>
  new RegExp(`^## ${title}\\s*$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(readme)?.[1]
const tableNames = (text: string | undefined) =>
  (text ?? '')
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => /^\|\s*`([a-z0-9-]+)`/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name))

describe('README.md', () => {
  it('lists every input in its Inputs table, and nothing else', () => {
    expect(tableNames(section('Inputs')).sort()).toEqual(INPUTS.map((i) => i.name).sort())
  })

  it('marks the action-only inputs with ★ and gives each default as the table does', () => {
    const rows = (section('Inputs') ?? '').split('\n').filter((line) => /^\| `/.test(line))
    for (const input of INPUTS) {
      const [nameCell, defaultCell] = rows
        .find((row) => row.startsWith(`| \`${input.name}\``))!
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim())
      expect({ [input.name]: nameCell.endsWith('★') }).toEqual({ [input.name]: Boolean(input.actionOnly) })
      // No default: the cell is empty or says in words what follows from other inputs.
      if (input.default)
        expect({ [input.name]: defaultCell }).toEqual({ [input.name]: `\`${input.default}\`` })
      else expect(defaultCell).not.toMatch(/^`[^`]*`$/)
    }
  })

  it('lists every output in its Outputs table, and nothing else', () => {
    expect(tableNames(section('Outputs')).sort()).toEqual(OUTPUTS.map((o) => o.name).sort())
  })
})
