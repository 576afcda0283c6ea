// Keeps the data flow one way (docs/architecture.md): each module imports only what the
// table below allows, and no file imports itself back through others.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { ROOT } from './helpers/cli.js'

const SRC = join(ROOT, 'src')
const SHARED = ['model', 'config', 'inputs', 'units', 'errors', 'redact', 'did-you-mean']
/** The one file outside src that src reads: the version that ran is the package's. */
const PACKAGE_JSON = join(ROOT, 'package.json')

/** Module -> the modules it may import. Entries may import anything below them. */
const ALLOWED: Record<string, string[]> = {
  index: ['main'],
  main: ['gate', 'github', 'report', ...SHARED],
  cli: ['demo', 'gate', 'engine', 'analysis', 'report', ...SHARED],
  demo: ['gate', 'engine', 'analysis', 'report', ...SHARED],
  gate: ['engine', 'baseline', 'analysis', 'report', 'profile', ...SHARED],
  engine: ['profile', ...SHARED],
  baseline: ['report', ...SHARED],
  github: ['analysis', 'report', ...SHARED],
  analysis: ['profile', ...SHARED],
  report: ['profile', ...SHARED],
  profile: ['units', 'errors'],
  model: ['profile'],
  config: ['inputs', 'input-parsers', 'units', 'redact', 'model'],
  inputs: ['input-parsers'],
  'input-parsers': ['units', 'model'],
  units: [],
  errors: [],
  redact: [],
  'did-you-mean': []
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return sourceFiles(path)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'testdata.ts' ? [path] : []
  })
}

const moduleOf = (file: string) => relative(SRC, file).split('/')[0].replace(/\.ts$/, '')

/** file -> the files of src it imports (type-only imports too: they tie the layers as well). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)].map((m) =>
      normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts')))
    )
    graph.set(file, targets)
  }
  return graph
}

describe('module layering', () => {
  const graph = importGraph()

  it('knows every module', () => {
    const unknown = [...new Set([...graph.keys()].map(moduleOf))].filter((m) => !(m in ALLOWED))
    expect(unknown).toEqual([])
  })

  it('imports only down the layers', () => {
    const wrong: string[] = []
    for (const [file, targets] of graph)
      for (const target of targets) {
        const [from, to] = [moduleOf(file), moduleOf(target)]
        if (target === PACKAGE_JSON && from === 'report') continue
        if (from !== to && !ALLOWED[from]?.includes(to))
          wrong.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`)
      }
    expect(wrong).toEqual([])
  })

  it('has no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>()
    const cycles: string[] = []
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const t of graph.get(file) ?? []) visit(t, [...path, file])
      state.set(file, 'done')
    }
    for (const file of graph.keys()) visit(file, [])
    expect(cycles).toEqual([])
  })
})
