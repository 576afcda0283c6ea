import { goroutineOrigins, parseGoroutineText } from '../profile/goroutine-text.js'
import { summarizeGoroutines } from '../profile/goroutines.js'
import { diffHeap } from '../profile/diff.js'
import {
  allocationSites,
  sampleVarianceBytes2,
  summarizeHeap,
  type HeapStack,
  type HeapSummary
} from '../profile/heap.js'
import { toRepoPath } from '../profile/paths.js'
import { buildRoot, profile, text } from '../../test/fixtures/profiles.js'
import { lineOf, marker } from '../../test/fixtures/services.js'
import { attributeGoroutines, attributeHeap, isWithinNoise } from './attribution.js'

// Every capture ran 20 s of load at a fixed rate between its start and end profiles.
const elapsedSec = 20
const layout = { repoRoot: buildRoot }
const heap = (run: string, phase: 'start' | 'end') => summarizeHeap(profile(run, `${phase}-heap.pb.gz`))
const heapGrowth = (run: string) => diffHeap(heap(run, 'start'), heap(run, 'end'))
const goroutines = (run: string, phase: 'start' | 'end') =>
  summarizeGoroutines(profile(run, `${phase}-goroutine.pb.gz`))

const heapRuns = [
  ['heap-leak', 'default-rate'],
  ['heap-leak', 'memprofilerate-1'],
  ['closure-leak', 'memprofilerate-4096'],
  ['builder-leak', 'memprofilerate-1']
]
const allRuns = [
  ...heapRuns,
  ['goroutine-leak', 'default-rate'],
  ['goroutine-leak', 'leakprofile'],
  ['clean', 'default-rate'],
  ['clean', 'memprofilerate-1']
]

describe('attributeHeap', () => {
  it.each(heapRuns)('names the marked line of %s (%s) first, as real growth', (fixture, rate) => {
    const run = `${fixture}/${rate}`
    const [top] = attributeHeap(heapGrowth(run), elapsedSec, 4000, { layout })
    const leak = marker(fixture)
    expect(top).toMatchObject({
      function: 'main.handle',
      line: leak.line,
      repoPath: leak.file,
      withinNoise: false
    })
    expect(toRepoPath(top.file, layout)).toBe(leak.file)
    expect(top.bytesPerSec).toBeCloseTo(top.inuseBytesGrowth / elapsedSec)
    expect(top.bytesPerRequest).toBeCloseTo(top.inuseBytesGrowth / 4000)
    expect(top.inuseObjectsGrowth).toBeGreaterThan(0)
  })

  it.each([['default-rate'], ['memprofilerate-1']])(
    'finds no growing site in the clean service (%s)',
    (rate) => {
      const run = `clean/${rate}`
      const sites = attributeHeap(heapGrowth(run), elapsedSec, null)
      expect(sites.filter((s) => !s.withinNoise)).toEqual([])
    }
  )

  it('sorts by growth and leaves bytesPerRequest out when requests are unknown', () => {
    const run = 'closure-leak/memprofilerate-4096'
    const sites = attributeHeap(heapGrowth(run), elapsedSec, null)
    const growth = sites.map((s) => s.inuseBytesGrowth)
    expect(growth).toEqual([...growth].sort((a, b) => b - a))
    expect(sites.every((s) => s.bytesPerRequest === undefined && s.repoPath === undefined)).toBe(true)
  })

  describe('isWithinNoise', () => {
    const kib = 1024
    // The variance of a site's bytes in one sample; a growth has the sum of both samples'.
    const sampled = (samples: number) => sampleVarianceBytes2(samples * 512 * kib, 256, 512 * kib)

    it('calls a few samples at the default rate noise', () => {
      // 256 B objects: each sample stands for ~512 KiB; a new site needs 10 to count.
      expect(isWithinNoise(3 * 512 * kib, sampled(3))).toBe(true)
      expect(isWithinNoise(9 * 512 * kib, sampled(9))).toBe(true)
      expect(isWithinNoise(10 * 512 * kib, sampled(10))).toBe(false)
    })

    it('needs growth beyond three standard deviations of both samples', () => {
      // 40 then 60 samples: sd = √100 samples, growth 20 < 30.
      expect(isWithinNoise(20 * 512 * kib, sampled(40) + sampled(60))).toBe(true)
      expect(isWithinNoise(40 * 512 * kib, sampled(40) + sampled(80))).toBe(false)
    })

    it('allows for objects in flight in an exact profile', () => {
      const exact = (objects: number) => sampleVarianceBytes2(objects * 256, 256, 1)
      expect(isWithinNoise(8 * 256, exact(5) + exact(13))).toBe(true)
      expect(isWithinNoise(500 * 256, exact(1000) + exact(1500))).toBe(false)
    })
  })

  it("shows a goroutine leak's heap as the goroutines' records, not as runtime.systemstack", () => {
    const run = 'goroutine-leak/memprofilerate-4096'
    const loadSec = 10
    const sites = attributeHeap(heapGrowth(run), loadSec, null, { layout })
    expect(sites[0]).toMatchObject({ kind: 'goroutines', withinNoise: false })
    expect(sites[0].repoPath).toBeUndefined()
    // About one record per goroutine added, as far as the sampled estimate can tell.
    const [leaked] = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), loadSec)
    expect(leaked.line).toBe(marker('goroutine-leak').line)
    expect(sites[0].inuseObjectsGrowth / leaked.countGrowth).toBeGreaterThan(0.7)
    expect(sites[0].inuseObjectsGrowth / leaked.countGrowth).toBeLessThan(1.3)
    expect(sites.filter((s) => !s.kind && !s.withinNoise)).toEqual([])
  })

  it('reports a site that appeared only in the last sample', () => {
    const empty: HeapSummary = {
      inuseBytes: 0,
      inuseObjects: 0,
      samplingRateBytes: 1,
      stacks: [],
      ownAllocByStack: new Map()
    }
    const last = heap('heap-leak/memprofilerate-1', 'end')
    const [top] = attributeHeap(diffHeap(empty, last), elapsedSec, null)
    expect(top.inuseBytesGrowth).toBe(allocationSites(last.stacks)[0].bytes)
  })
})

describe('attributeHeap, where libraries and the standard library hold the growth', () => {
  const modules = (fixture: string) => [
    { path: `example.com/memgate-fixtures/${fixture}`, dir: `${buildRoot}/test/fixtures/services/${fixture}` }
  ]
  const sitesOf = (run: string, requests: number, withOrigins = false) => {
    const fixture = run.split('/')[0]
    const h = (phase: 'start' | 'end') =>
      summarizeHeap(profile(run, `${phase}-heap.pb.gz`), { modules: modules(fixture) })
    const origins = withOrigins
      ? goroutineOrigins(text(run, 'end-goroutine.txt'), { modules: modules(fixture) })
      : undefined
    return attributeHeap(diffHeap(h('start'), h('end')), 10, requests, {
      layout,
      ...(origins ? { origins } : {})
    }).filter((s) => !s.withinNoise)
  }

  it.each([['memprofilerate-4096'], ['memprofilerate-1']])(
    'names the line that stores into the library map keyed by requests (%s)',
    (rate) => {
      const sites = sitesOf(`request-map-leak/${rate}`, 4000)
      const [own] = sites.filter((s) => s.owner !== 'standard-library')
      const leak = marker('request-map-leak')
      expect(own).toMatchObject({
        owner: 'service',
        repoPath: leak.file,
        line: leak.line,
        function: 'main.handle'
      })
      // The requests themselves, read by the server: held, not a line to change.
      expect(sites[0]).toMatchObject({ owner: 'standard-library', function: 'net/http.(*conn).serve' })
    }
  )

  it.each([
    ['http-body-leak/ancestors', marker('http-body-leak').line],
    ['http-transport-leak/ancestors', lineOf('http-transport-leak', 'client.Get(')]
  ])("charges the Transport's connections to the handler line that started them (%s)", (run, line) => {
    const sites = sitesOf(run, 120, true)
    const dialer = sites.find((s) => s.function === 'net/http.(*Transport).startDialConnForLocked.func1')
    // Snapped from the ancestor's return address to the call's own line, read from the heap.
    expect(dialer?.startedBy).toMatchObject({
      function: 'main.handle',
      line,
      repoPath: marker(run.split('/')[0]).file
    })
    expect(dialer?.goroutinesCreatedBy).toMatch(/^net\/http\.\(\*Transport\)\.startDialConnForLocked /)
    // No standard-library line is charged apart from the goroutine it began in.
    expect(
      sites.every((s) => s.kind || s.owner !== 'standard-library' || !s.function.startsWith('bufio.'))
    ).toBe(true)
  })

  it.each([['grpc-conn-per-request'], ['tracer-provider-per-request']])(
    "charges what a library's own goroutines allocate to the service line that started them (misuse-clients/%s)",
    (mode) => {
      const sites = sitesOf(`misuse-clients/${mode}`, 20 * 12, true)
      const library = sites.filter((s) => s.owner === 'library' && !s.kind)
      expect(library.length).toBeGreaterThan(0)
      // The largest (the in-process server's side of each connection links to its own line).
      const [linked] = library.filter((s) => s.startedBy)
      expect(linked.startedBy).toMatchObject({
        function: 'main.handle',
        repoPath: 'test/fixtures/services/misuse-clients/main.go',
        line: lineOf('misuse-clients', `// memgate:misuse ${mode}`)
      })
    }
  )

  it('gives bytes per request an interval from the sampling noise', () => {
    const [top] = sitesOf('request-map-leak/memprofilerate-4096', 4000)
    const { low, high } = top.bytesPerRequestInterval!
    expect(low).toBeLessThan(top.bytesPerRequest!)
    expect(high).toBeGreaterThan(top.bytesPerRequest!)
    const exact = sitesOf('request-map-leak/memprofilerate-1', 4000)[0].bytesPerRequestInterval!
    expect(exact.high - exact.low).toBeLessThan(high - low)
  })

  const stack = (fn: string, line: number, bytes: number): HeapStack => ({
    frames: [{ function: fn, file: `${buildRoot}/svc/${fn}.go`, line }],
    siteAt: 0,
    owner: fn.startsWith('main.') ? 'service' : 'library',
    bytes,
    objects: bytes / 1024,
    // Sampled at 512 KiB: each row of 4 samples is within the noise (4 ≤ 3·√4).
    varianceBytes2: bytes * 512 * 1024
  })
  const kib = 1024

  it('merges the lines of one function, each within the noise and past it together', () => {
    const rows = [1, 2, 3, 4, 5].map((line) => stack('main.remember', line, 4 * 512 * kib))
    const sites = attributeHeap({ stacks: [...rows, stack('main.other', 9, 4 * 512 * kib)] }, 10, null)
    expect(sites[0]).toMatchObject({
      function: 'main.remember',
      merged: { by: 'function', rows: 5 },
      withinNoise: false
    })
    expect(sites[0].inuseBytesGrowth).toBe(20 * 512 * kib)
    expect(sites[1]).toMatchObject({ function: 'main.other', withinNoise: true })
  })

  it('merges the functions of one library', () => {
    const rows = ['Set', 'Get', 'setRequest', 'grow', 'put'].map((fn, i) =>
      stack(`github.com/gorilla/context.${fn}`, i, 4 * 512 * kib)
    )
    const [site] = attributeHeap({ stacks: rows }, 10, null)
    expect(site).toMatchObject({ owner: 'library', merged: { by: 'library', rows: 5 }, withinNoise: false })
  })

  it("ranks the pull request's own lines first and marks them", () => {
    const stacks = [stack('main.big', 3, 40 * 512 * kib), stack('main.small', 7, 20 * 512 * kib)]
    const sites = attributeHeap({ stacks }, 10, null, {
      layout: { repoRoot: buildRoot },
      changedLines: { 'svc/main.small.go': [7] }
    })
    expect(sites.map((s) => [s.function, s.changedInPr ?? false])).toEqual([
      ['main.small', true],
      ['main.big', false]
    ])
  })
})

describe('attributeGoroutines', () => {
  it('names the line the leaked goroutines block on, with the runtime wait reason and creator', () => {
    const run = 'goroutine-leak/default-rate'
    const stacks = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec, {
      text: parseGoroutineText(text(run, 'end-goroutine.txt')),
      layout
    })
    const leak = marker('goroutine-leak')
    expect(stacks).toHaveLength(1)
    expect(stacks[0]).toMatchObject({
      function: 'main.awaitResult',
      line: leak.line,
      repoPath: leak.file,
      waitReason: 'chan receive',
      createdBy: `main.handle ${stacks[0].file}:${lineOf('goroutine-leak', 'go awaitResult(')}`
    })
    expect(stacks[0].countGrowth).toBeGreaterThan(80)
    expect(stacks[0].perSec).toBeCloseTo(stacks[0].countGrowth / elapsedSec)
    expect(stacks[0].provenLeaked).toBeUndefined()
  })

  /** The grown goroutine groups of a captured run, with its dump's ancestors. */
  const linkedGroups = (run: string) => {
    const fixture = run.split('/')[0]
    const modules = [
      {
        path: `example.com/memgate-fixtures/${fixture}`,
        dir: `${buildRoot}/test/fixtures/services/${fixture}`
      }
    ]
    const g = (phase: 'start' | 'end') =>
      summarizeGoroutines(profile(run, `${phase}-goroutine.pb.gz`), { modules })
    const dump = text(run, 'end-goroutine.txt')
    const h = (phase: 'start' | 'end') => summarizeHeap(profile(run, `${phase}-heap.pb.gz`), { modules })
    return attributeGoroutines(g('start'), g('end'), 10, {
      text: parseGoroutineText(dump, { modules }),
      origins: goroutineOrigins(dump, { modules }),
      heapStacks: diffHeap(h('start'), h('end')).stacks,
      layout
    })
  }

  it("links a library's own goroutines to the service line that started them (grpc's callback serializers)", () => {
    const groups = linkedGroups('misuse-clients/grpc-conn-per-request')
    const serializers = groups.find(
      (x) => x.function === 'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run'
    )
    expect(serializers?.entry).toBeUndefined()
    expect(serializers?.startedBy).toMatchObject({
      function: 'main.handle',
      repoPath: 'test/fixtures/services/misuse-clients/main.go',
      line: lineOf('misuse-clients', '// memgate:misuse grpc-conn-per-request')
    })
  })

  it('links goroutines a library began to the service line that started them (tracebackancestors)', () => {
    const groups = linkedGroups('http-transport-leak/ancestors')
    const readLoops = groups.filter((x) => x.entry === 'net/http.(*persistConn).readLoop')
    expect(readLoops.length).toBeGreaterThan(0)
    for (const r of readLoops) {
      expect(r.startedBy).toMatchObject({
        function: 'main.handle',
        repoPath: marker('http-transport-leak').file
      })
      // Corrected from the ancestor's return address to the call's line, read from the heap's stacks.
      expect(r.startedBy!.line).toBe(lineOf('http-transport-leak', 'client.Get('))
    }
  })

  it('falls back to the wait reason read from the stack without a dump', () => {
    const run = 'goroutine-leak/default-rate'
    const [top] = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec)
    expect(top.waitReason).toBe('channel receive')
    expect(top.createdBy).toBeUndefined()
  })

  it('marks the groups the goroutineleak profile proves leaked', () => {
    const run = 'goroutine-leak/leakprofile'
    const leaked = summarizeGoroutines(profile(run, 'end-goroutineleak.pb.gz'))
    const stacks = attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec, {
      leaked
    })
    expect(stacks[0]).toMatchObject({ line: marker('goroutine-leak').line, provenLeaked: true })
    expect(stacks.slice(1).some((s) => s.provenLeaked)).toBe(false)
  })

  it.each(allRuns.filter(([f]) => f !== 'goroutine-leak'))(
    'finds no growing goroutines in %s (%s)',
    (fixture, rate) => {
      const run = `${fixture}/${rate}`
      expect(attributeGoroutines(goroutines(run, 'start'), goroutines(run, 'end'), elapsedSec)).toEqual([])
    }
  )
})
