// npm run bench:overhead
//   MEMGATE_BENCH_RUNS=R            rounds (default 3)
//   MEMGATE_BENCH_SECONDS=T         seconds of load a run (default 15)
//   MEMGATE_BENCH_CONNECTIONS=C     autocannon connections (default 16)
//   MEMGATE_BENCH_ONLY=throughput,footprint,large   sections (default all three)
//   MEMGATE_BENCH_LARGE_MIB=M       the large heap (default 2048)
//   MEMGATE_BENCH_FIXTURES=big-heap,alloc-heavy   throughput's fixtures (default both)
//   MEMGATE_BENCH_EXTRA="--flag value"   one more setup: memgate run with these flags
//
// What memgate costs the service it measures, and what it costs itself (issue 11).
//
// throughput: two fixtures, a 256 MiB pointer-rich live heap (big-heap) and 1 MiB of garbage
//   a request in 128-byte objects (alloc-heavy), each driven at its maximum rate by
//   autocannon (closed loop, C connections, T seconds) alone, with GODEBUG=memprofilerate
//   at 4, 16 and 32 KiB alone, and under `memgate run` with its default inputs (then the
//   load runs while memgate samples: from its first sample on) and with no sample while it
//   runs (memgate's presence alone: its own load, memprofilerate). Each round runs the same
//   processes, in one order and the next round in the reverse order. Per run: the requests the service answered a
//   second (autocannon's and, under memgate, its built-in load's: the fixtures count them at
//   /served), autocannon's p99 latency, and the service's CPU time per request answered,
//   which a machine shared with other work disturbs much less than req/s; and memgate's own
//   CPU meanwhile, which on two cores autocannon saturates comes out of the service's share.
// footprint: memgate's own peak RSS and CPU over 300 samples (interval 500ms), its RSS at
//   samples 1, 100, 200 and 300, and the end-of-run analysis time (the last sample's log
//   line to report.json written) for 300 and for 120 samples.
// large: big-heap at M MiB under memgate's default inputs: the interval chosen, what a
//   sample cost, and the throughput beside the service alone.
//
// memgate runs as it ships: src/cli.ts bundled by rollup (rollup.config.js) into a temp folder.
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { rollup, type OutputOptions, type RollupOptions } from 'rollup'
import { freePort } from '../src/engine/free-port.js'
import { sleep, spawnGroup, stopGroup } from '../src/engine/processes.js'
import { groupCpuSec, readGroup } from '../src/engine/rss.js'
import { INPUTS } from '../src/inputs.js'
import { median, spread } from './stats.js'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const SERVICES = join(ROOT, 'test/fixtures/services')

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(v) || v < 1) {
    process.stderr.write(`bench:overhead: ${name} must be a number of 1 or more\n`)
    process.exit(2)
  }
  return v
}
const ROUNDS = env('MEMGATE_BENCH_RUNS', 3)
const SECONDS = env('MEMGATE_BENCH_SECONDS', 15)
const CONNECTIONS = env('MEMGATE_BENCH_CONNECTIONS', 16)
const LARGE_MIB = env('MEMGATE_BENCH_LARGE_MIB', 2048)
const MEMPROFILERATE_DEFAULT = INPUTS.find((i) => i.name === 'memprofilerate')!.default
const ONLY = (process.env.MEMGATE_BENCH_ONLY ?? 'throughput,footprint,large').split(',')

interface Fixture {
  name: string
  what: string
  env: Record<string, string>
}

const FIXTURES = (
  [
    { name: 'big-heap', what: '256 MiB pointer-rich live heap', env: { LIVE_HEAP_MIB: '256' } },
    { name: 'alloc-heavy', what: '1 MiB of garbage a request', env: {} }
  ] as Fixture[]
).filter(
  (f) => !process.env.MEMGATE_BENCH_FIXTURES || process.env.MEMGATE_BENCH_FIXTURES.split(',').includes(f.name)
)

/** One way to run the service: alone, alone with a memprofilerate, or under memgate run. */
interface Setup {
  label: string
  godebug?: string
  /** Flags of `memgate run` beyond the fixture's: run under memgate. */
  memgate?: string[]
}

/** memprofilerate alone at these rates, beside memgate's default (issue 11: what it costs). */
const RATES = [...new Set(['4096', '16384', '32768', MEMPROFILERATE_DEFAULT])]

const DEFAULT_RUN: Setup = { label: 'memgate run, default inputs', memgate: [] }
// What memgate costs without sampling: its load of 200 requests/s and memprofilerate, the
// first sample before autocannon starts and the next after it ends.
const UNSAMPLED_RUN: Setup = {
  label: 'memgate run, no sample while driven',
  memgate: ['--interval', '60s', '--duration', '480s', '--max-duration', '480s']
}
const EXTRA = process.env.MEMGATE_BENCH_EXTRA

const SETUPS: Setup[] = [
  { label: 'alone' },
  ...RATES.map((rate) => ({ label: `memprofilerate=${rate} alone`, godebug: `memprofilerate=${rate}` })),
  DEFAULT_RUN,
  UNSAMPLED_RUN,
  ...(EXTRA ? [{ label: `memgate run ${EXTRA}`, memgate: EXTRA.split(' ') }] : [])
]

interface Drive {
  /** Requests the service answered a second, from every client. */
  reqPerSec: number
  p99Ms: number
  /** The service's CPU time over the run, per request answered. */
  cpuUsPerReq: number | null
}

interface Outcome extends Drive {
  /** Under memgate: the interval it chose and the cost line of its report. */
  interval?: string
  costLine?: string
  /** memgate's own CPU while the service was driven, in cores: what it takes from a shared machine. */
  memgateCores?: number
}

const tmp = mkdtempSync(join(tmpdir(), 'memgate-bench-overhead-'))
const children = new Set<ChildProcess>()
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)))

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => stopGroup(c, 2000)))
  rmSync(tmp, { recursive: true, force: true })
}

/** src/cli.ts bundled as `npm run package` bundles it, into the temp folder. */
async function bundleCli(): Promise<string> {
  const configs = (await import(join(ROOT, 'rollup.config.js'))).default as RollupOptions[]
  const cli = configs.find((c) => c.input === 'src/cli.ts')!
  const file = join(tmp, 'cli.js')
  const bundle = await rollup({ ...cli, logLevel: 'silent' })
  // Generated for dist/cli.js (the TypeScript plugin wants its outDir there), written elsewhere.
  const { output } = await bundle.generate(cli.output as OutputOptions)
  await bundle.close()
  writeFileSync(file, output[0].code)
  return file
}

function buildFixture(name: string): string {
  const bin = join(tmp, name)
  execFileSync('go', ['build', '-o', bin, '.'], { cwd: join(SERVICES, name), stdio: 'inherit' })
  return bin
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`)
    await sleep(100)
  }
}

const served = async (base: string) => Number(await (await fetch(`${base}served`)).text())

/** autocannon at full speed for SECONDS, with the requests the service answered and its CPU time meanwhile. */
async function drive(url: string, servicePid: number): Promise<Drive> {
  const [cpuBefore, servedBefore, started] = [
    groupCpuSec(readGroup(servicePid)),
    await served(url),
    performance.now()
  ]
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS })
  const [cpuAfter, servedAfter, ended] = [
    groupCpuSec(readGroup(servicePid)),
    await served(url),
    performance.now()
  ]
  const answered = servedAfter - servedBefore
  return {
    reqPerSec: (1000 * answered) / (ended - started),
    p99Ms: r.latency.p99,
    cpuUsPerReq:
      cpuBefore === null || cpuAfter === null || answered === 0
        ? null
        : (1e6 * (cpuAfter - cpuBefore)) / answered
  }
}

async function runAlone(bin: string, fixture: Fixture, godebug?: string): Promise<Outcome> {
  const port = await freePort()
  const child = spawnGroup(bin, [], {
    env: {
      ...process.env,
      ...fixture.env,
      ADDR: `127.0.0.1:${port}`,
      ...(godebug ? { GODEBUG: godebug } : {})
    },
    stdio: 'ignore'
  })
  children.add(child)
  try {
    await waitFor(`http://127.0.0.1:${port}/debug/pprof/cmdline`, 120_000)
    return await drive(`http://127.0.0.1:${port}/`, child.pid!)
  } finally {
    await stopGroup(child)
    children.delete(child)
  }
}

/** A running `memgate run`, with each line it logs and when it came. */
interface Memgate {
  child: ChildProcess
  lines: { at: number; text: string }[]
  /** Resolves with the first line that matches. */
  line(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>
  done: Promise<void>
}

function startMemgate(cli: string, dir: string, flags: string[]): Memgate {
  const child = spawnGroup(process.execPath, [cli, 'run', '--working-directory', dir, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.add(child)
  const lines: Memgate['lines'] = []
  let rest = ''
  const take = (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n')
    rest = parts.pop()!
    for (const text of parts) lines.push({ at: performance.now(), text })
  }
  child.stdout!.on('data', take)
  child.stderr!.on('data', take)
  const done = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    child,
    lines,
    done,
    line: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        for (const l of lines) {
          const m = pattern.exec(l.text)
          if (m) return m
        }
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`memgate never logged ${pattern}:\n${lines.map((l) => l.text).join('\n')}`)
        await sleep(50)
      }
    }
  }
}

async function runMemgate(cli: string, fixture: Fixture, flags: string[] = []): Promise<Outcome> {
  const port = await freePort()
  const out = join(tmp, `out-${fixture.name}-${port}`)
  const envLines = Object.entries({ ...fixture.env, ADDR: `127.0.0.1:${port}` }).map(([k, v]) => `${k}=${v}`)
  const m = startMemgate(cli, join(SERVICES, fixture.name), [
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--env',
    envLines.join('\n'),
    '--out',
    out,
    ...flags
  ])
  try {
    const pid = Number((await m.line(/service ready \(pid (\d+)/, 180_000))[1])
    // From the first sample on (which picks an auto interval): the load runs while memgate samples.
    await m.line(/ sample 1\//, 180_000)
    // An auto interval is logged with its reason; a fixed one is not.
    const picked = m.lines.map((l) => /sampling every ([\d.]+s \([a-z-]+\))/.exec(l.text)).find(Boolean)
    const [cpuBefore, started] = [procCpuSec(m.child.pid!), performance.now()]
    const driven = await drive(`http://127.0.0.1:${port}/`, pid)
    const memgateCores = (procCpuSec(m.child.pid!) - cpuBefore) / ((performance.now() - started) / 1000)
    m.child.kill('SIGINT')
    await m.done
    // Cancelled runs write no report: the cost line comes from a report-like reading of the log.
    return { ...driven, interval: picked?.[1] ?? 'fixed', memgateCores, costLine: picked?.input.trim() }
  } finally {
    await stopGroup(m.child)
    children.delete(m.child)
  }
}

const fmt = {
  rate: (v: number) => `${Math.round(v).toLocaleString('en')}`,
  ms: (v: number) => `${v.toFixed(0)} ms`,
  us: (v: number) => `${Math.round(v)} µs`,
  ratio: (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`,
  mib: (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`,
  cores: (v: number) => `${v.toFixed(2)} cores`
}

async function throughput(cli: string): Promise<void> {
  const bins = new Map(FIXTURES.map((f) => [f.name, buildFixture(f.name)]))
  const results = new Map<string, Outcome[]>()
  const key = (f: Fixture, s: Setup) => `${f.name}\t${s.label}`
  const rows: string[][] = []
  for (let round = 0; round < ROUNDS; round++) {
    // The same processes each round, in one order and then the reverse.
    const order = round % 2 === 0 ? SETUPS : [...SETUPS].reverse()
    for (const fixture of FIXTURES)
      for (const setup of order) {
        const o = setup.memgate
          ? await runMemgate(cli, fixture, setup.memgate)
          : await runAlone(bins.get(fixture.name)!, fixture, setup.godebug)
        results.set(key(fixture, setup), [...(results.get(key(fixture, setup)) ?? []), o])
        rows.push([
          String(round + 1),
          fixture.name,
          setup.label,
          fmt.rate(o.reqPerSec),
          fmt.ms(o.p99Ms),
          o.cpuUsPerReq === null ? '—' : fmt.us(o.cpuUsPerReq),
          o.interval ?? '',
          o.memgateCores === undefined ? '' : fmt.cores(o.memgateCores)
        ])
        process.stderr.write(`  ${rows.at(-1)!.join('  ')}\n`)
      }
  }
  console.log(`\n### Each run (${SECONDS} s of autocannon, ${CONNECTIONS} connections)\n`)
  console.log(
    '| round | fixture | setup | req/s | p99 | service CPU/request | memgate interval | memgate CPU |'
  )
  console.log('|---|---|---|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)

  console.log(`\n### Cost against the service alone (median of ${ROUNDS} rounds; min … max)\n`)
  console.log(
    '| fixture | setup | req/s | p99 | service CPU/request | memgate CPU | req/s cost | CPU/request cost |'
  )
  console.log('|---|---|---|---|---|---|---|---|')
  for (const fixture of FIXTURES) {
    const alone = results.get(key(fixture, SETUPS[0]))!
    const aloneRate = median(alone.map((o) => o.reqPerSec))
    const aloneCpu = median(alone.flatMap((o) => (o.cpuUsPerReq === null ? [] : [o.cpuUsPerReq])))
    for (const setup of SETUPS) {
      const os = results.get(key(fixture, setup))!
      const cpu = os.flatMap((o) => (o.cpuUsPerReq === null ? [] : [o.cpuUsPerReq]))
      console.log(
        `| ${fixture.name} (${fixture.what}) | ${setup.label} | ${spread(
          os.map((o) => o.reqPerSec),
          fmt.rate
        )} | ${spread(
          os.map((o) => o.p99Ms),
          fmt.ms
        )} | ${cpu.length ? spread(cpu, fmt.us) : '—'} | ${
          setup.memgate
            ? spread(
                os.map((o) => o.memgateCores!),
                fmt.cores
              )
            : ''
        } | ${setup === SETUPS[0] ? '' : fmt.ratio(aloneRate / median(os.map((o) => o.reqPerSec)) - 1)} | ${setup === SETUPS[0] || !cpu.length ? '' : fmt.ratio(median(cpu) / aloneCpu - 1)} |`
      )
    }
  }
  console.log(
    "\nreq/s: requests the service answered a second, autocannon's and memgate's built-in load's (200/s); memgate CPU: memgate's own process meanwhile; req/s cost: how much longer the same requests take than alone (alone / with − 1); CPU/request cost: the service's CPU time a request, against alone."
  )
  // Sampling's own share: default inputs against memgate without a sample in the window.
  for (const fixture of FIXTURES) {
    const [a, b] = [results.get(key(fixture, DEFAULT_RUN))!, results.get(key(fixture, UNSAMPLED_RUN))!]
    const cpuOf = (os: Outcome[]) =>
      median(os.flatMap((o) => (o.cpuUsPerReq === null ? [] : [o.cpuUsPerReq])))
    console.log(
      `${fixture.name}, sampling's own cost (${DEFAULT_RUN.label} against ${UNSAMPLED_RUN.label}): req/s ${fmt.ratio(median(b.map((o) => o.reqPerSec)) / median(a.map((o) => o.reqPerSec)) - 1)}, CPU/request ${fmt.ratio(cpuOf(a) / cpuOf(b) - 1)}`
    )
  }
}

/** VmRSS or VmHWM of a process, bytes; 0 once it has ended. */
function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8')
    )?.[1]
    return Number(kib ?? 0) * 1024
  } catch {
    return 0
  }
}

/** CPU seconds of one process (not its children), 0 once it has ended. */
function procCpuSec(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return 0
  }
}

interface Footprint {
  samples: number
  peakRssBytes: number
  rssAt: Map<number, number>
  cpuSec: number
  cpuAt: Map<number, number>
  analysisSec: number
}

/** memgate over `samples` samples at 500 ms on alloc-heavy: its own RSS and CPU, and the analysis time. */
async function footprint(cli: string, samples: number): Promise<Footprint> {
  const port = await freePort()
  const out = join(tmp, `footprint-${samples}`)
  const durationSec = samples / 2
  const m = startMemgate(cli, join(SERVICES, 'alloc-heavy'), [
    '--pprof-url',
    `http://127.0.0.1:${port}/debug/pprof`,
    '--env',
    `ADDR=127.0.0.1:${port}`,
    '--warmup',
    '5s',
    '--interval',
    '500ms',
    '--duration',
    `${durationSec}s`,
    '--max-duration',
    `${durationSec}s`,
    '--out',
    out
  ])
  const pid = m.child.pid!
  const rssAt = new Map<number, number>()
  const cpuAt = new Map<number, number>()
  let peak = 0
  let cpu = 0
  const poll = setInterval(() => {
    peak = Math.max(peak, procStatus(pid, 'VmHWM'))
    cpu = Math.max(cpu, procCpuSec(pid))
    const last = m.lines.at(-1)?.text.match(/sample (\d+)\//)
    const n = last ? Number(last[1]) : 0
    if (n && (n === 1 || n % 100 === 0 || n === samples) && !rssAt.has(n)) {
      rssAt.set(n, procStatus(pid, 'VmRSS'))
      cpuAt.set(n, procCpuSec(pid))
    }
  }, 50)
  try {
    await m.done
  } finally {
    clearInterval(poll)
    await stopGroup(m.child)
    children.delete(m.child)
  }
  const sampleLines = m.lines.filter((l) => /sample \d+\/\d+ at/.test(l.text))
  const reportAt = statSync(join(out, 'report.json')).mtimeMs - performance.timeOrigin
  return {
    samples: sampleLines.length,
    peakRssBytes: peak,
    rssAt,
    cpuSec: cpu,
    cpuAt,
    analysisSec: (reportAt - sampleLines.at(-1)!.at) / 1000
  }
}

async function footprints(cli: string): Promise<void> {
  console.log(`\n### memgate's own footprint (alloc-heavy, interval 500ms)\n`)
  console.log(
    '| samples | peak RSS | RSS at samples 1 / 100 / 200 / 300 | CPU s (per sample) | CPU s at samples 1 / 100 / 200 / 300 | last sample → report.json |'
  )
  console.log('|---|---|---|---|---|---|')
  for (const n of [300, 120]) {
    const f = await footprint(cli, n)
    const at = (map: Map<number, number>, g: (v: number) => string) =>
      [1, 100, 200, 300].map((k) => (map.has(k) ? g(map.get(k)!) : '—')).join(' / ')
    console.log(
      `| ${f.samples} | ${fmt.mib(f.peakRssBytes)} | ${at(f.rssAt, fmt.mib)} | ${f.cpuSec.toFixed(1)} (${((1000 * f.cpuSec) / f.samples).toFixed(0)} ms) | ${at(f.cpuAt, (v) => v.toFixed(1))} | ${f.analysisSec.toFixed(2)} s |`
    )
  }
}

async function large(cli: string): Promise<void> {
  const fixture: Fixture = {
    name: 'big-heap',
    what: `${LARGE_MIB} MiB pointer-rich live heap`,
    env: { LIVE_HEAP_MIB: String(LARGE_MIB) }
  }
  const bin = buildFixture('big-heap')
  const alone = await runAlone(bin, fixture)
  const under = await runMemgate(cli, fixture)
  console.log(`\n### A ${LARGE_MIB} MiB live heap under memgate's default inputs (one run each)\n`)
  console.log('| setup | req/s | p99 | service CPU/request |')
  console.log('|---|---|---|---|')
  for (const [label, o] of [
    ['alone', alone],
    ['memgate run, default inputs', under]
  ] as const)
    console.log(
      `| ${label} | ${fmt.rate(o.reqPerSec)} | ${fmt.ms(o.p99Ms)} | ${o.cpuUsPerReq === null ? '—' : fmt.us(o.cpuUsPerReq)} |`
    )
  console.log(`\nmemgate: ${under.costLine ?? '(no interval line)'}`)
  console.log(`req/s cost: ${fmt.ratio(alone.reqPerSec / under.reqPerSec - 1)}`)
}

try {
  process.stderr.write(`bench:overhead: bundling the CLI, building the fixtures (in ${tmp})\n`)
  const cli = await bundleCli()
  console.log(
    `## bench:overhead, ${new Date().toISOString().slice(0, 10)}: ${ROUNDS} rounds, ${SECONDS} s a run, ${CONNECTIONS} connections, load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`
  )
  if (ONLY.includes('throughput')) await throughput(cli)
  if (ONLY.includes('footprint')) await footprints(cli)
  if (ONLY.includes('large')) await large(cli)
  console.log(
    `\nload average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`
  )
} finally {
  await cleanup()
}
