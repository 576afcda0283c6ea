import { execFileSync } from 'node:child_process'
import { diffHeap } from '../profile/diff.js'
import { summarizeHeap, type HeapSummary } from '../profile/heap.js'
import { profile } from '../../test/fixtures/profiles.js'
import { escapeXml } from './escape.js'
import { heapGrowthFlameGraph } from './flamegraph.js'

/** A summary of whole stacks given root first, as function names and live bytes. */
const summary = (stacks: { functions: string[]; bytes: number }[]): HeapSummary => ({
  inuseBytes: stacks.reduce((n, s) => n + s.bytes, 0),
  ownAllocByStack: new Map(),
  inuseObjects: 0,
  samplingRateBytes: 1,
  stacks: stacks.map((s) => ({
    frames: [...s.functions].reverse().map((name) => ({ function: name, file: 'main.go', line: 1 })),
    siteAt: 0,
    owner: 'service' as const,
    bytes: s.bytes,
    objects: 0,
    varianceBytes2: 0
  }))
})

describe('heapGrowthFlameGraph', () => {
  it('draws the stacks that grew, the leaking function among them', () => {
    const run = 'heap-leak/memprofilerate-1'
    const svg = heapGrowthFlameGraph(
      diffHeap(summarizeHeap(profile(run, 'start-heap.pb.gz')), summarizeHeap(profile(run, 'end-heap.pb.gz')))
    )
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('<title>main.handle: +')
    expect(svg).toMatch(/Live heap growth: \+\d/)
  })

  it('sizes boxes by growth only, children within their parent', () => {
    const first = summary([{ functions: ['main.main', 'main.a'], bytes: 100 }])
    const last = summary([
      { functions: ['main.main', 'main.a'], bytes: 400 },
      { functions: ['main.main', 'main.b'], bytes: 100 },
      { functions: ['main.main', 'main.c'], bytes: 0 }
    ])
    const widths = Object.fromEntries(
      [
        ...heapGrowthFlameGraph(diffHeap(first, last)).matchAll(
          /<title>([^:]+):[^<]*<\/title><rect [^>]*width="([\d.]+)"/g
        )
      ].map((m) => [m[1], Number(m[2])])
    )
    expect(widths).toEqual({ all: 1200, 'main.main': 1200, 'main.a': 900, 'main.b': 300 })
  })

  it('escapes names from the profile', () => {
    const svg = heapGrowthFlameGraph(
      diffHeap(summary([]), summary([{ functions: ['main.<script>&"x"'], bytes: 10 }]))
    )
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('main.&#60;script&#62;&#38;&#34;x&#34;')
    expect(escapeXml(`a'b`)).toBe('a&#39;b')
  })

  // expat (Python's standard library) is a strict XML 1.0 parser: no npm dependency has one.
  const hasPython = (() => {
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  if (!hasPython && process.env.CI) throw new Error('python3 is needed to parse the flame graph as XML')
  ;(hasPython ? it : it.skip)(
    'stays well-formed XML 1.0 with control characters and lone surrogates in a name',
    () => {
      const hostile = 'main.\u0001evil\u001b[31m\u0000\ufffe\ud800x\u0085'
      const svg = heapGrowthFlameGraph(diffHeap(summary([]), summary([{ functions: [hostile], bytes: 10 }])))
      const parsed = execFileSync(
        'python3',
        ['-c', 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read()); print("ok")'],
        { input: Buffer.from(svg, 'utf8') }
      )
      expect(parsed.toString().trim()).toBe('ok')
      // Shown, not dropped: the name still reads as it was.
      expect(svg).toContain('main.\\u0001evil\\u001b[31m\\u0000\\ufffe\\ud800x\u0085')
    }
  )

  it('says so when nothing grew', () => {
    const s = summary([{ functions: ['main.main'], bytes: 10 }])
    expect(heapGrowthFlameGraph(diffHeap(s, s))).toContain('no stack grew')
  })
})
