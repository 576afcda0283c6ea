// What a reader sees, to the character: the markdown and terminal renderers against the
// golden files in test/fixtures/golden/. After an intended change, rewrite them with
//   UPDATE_GOLDEN=1 NODE_OPTIONS=--experimental-vm-modules npx jest src/report/golden.test.ts
// and read the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { failWithBaselineReport, inconclusiveReport, passReport } from '../../test/fixtures/reports.js'
import { renderMarkdown } from './markdown.js'
import { renderTerminal } from './terminal.js'
import type { Report } from '../model.js'

const GOLDEN = fileURLToPath(new URL('../../test/fixtures/golden/', import.meta.url))
const UPDATE = process.env.UPDATE_GOLDEN === '1'

function expectGolden(file: string, rendered: string): void {
  const path = GOLDEN + file
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(path, rendered)
    return
  }
  if (!existsSync(path))
    throw new Error(`test/fixtures/golden/${file} is missing; write it with UPDATE_GOLDEN=1`)
  // Line by line, so a failure shows the lines that changed.
  expect(rendered.split('\n')).toEqual(readFileSync(path, 'utf8').split('\n'))
}

describe.each<[string, () => Report]>([
  ['pass-no-baseline', passReport],
  ['fail-with-baseline', failWithBaselineReport],
  ['inconclusive-with-notices', inconclusiveReport]
])('%s', (name, report) => {
  it('renders the markdown of the golden file', () => expectGolden(`${name}.md`, renderMarkdown(report())))
  it('renders the terminal text of the golden file', () =>
    expectGolden(`${name}.txt`, renderTerminal(report()) + '\n'))
})
