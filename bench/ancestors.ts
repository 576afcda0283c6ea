// npm run bench:ancestors: what GODEBUG=tracebackancestors costs, the one thing that links
// goroutines a library started (net/http's persistConn readLoop/writeLoop) to the service
// line that caused them. Per fixture and setting (off, tracebackancestors=5), R runs
// (MEMGATE_BENCH_RUNS, default 5) of N sequential keep-alive requests (MEMGATE_BENCH_REQUESTS,
// default 2000): the service's CPU per request, the live heap and goroutines it keeps after
// a forced GC, and the live heap per goroutine added. Prints one table (median of the runs).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../src/engine/free-port.js'
import { childEnv, sleep, spawnGroup, stopGroup } from '../src/engine/processes.js'
import { groupCpuSec, readGroup } from '../src/engine/rss.js'
import { decodeProfile } from '../src/profile/decode.js'
import { summarizeGoroutines } from '../src/profile/goroutines.js'
import { summarizeHeap } from '../src/profile/heap.js'
import { formatBytes } from '../src/units.js'
import { SERVICES } from '../test/fixtures/services.js'

const runs = Number(process.env.MEMGATE_BENCH_RUNS ?? 5)
const requests = Number(process.env.MEMGATE_BENCH_REQUESTS ?? 2000)
if (![runs, requests].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write(
    'bench:ancestors: MEMGATE_BENCH_RUNS and MEMGATE_BENCH_REQUESTS must be whole numbers\n'
  )
  process.exit(2)
}

// goroutine-heavy: http-body-leak starts three goroutines a request (a dialer, readLoop,
// writeLoop) and keeps two; clean starts none of its own; goroutine-leak keeps one.
const FIXTURES = ['clean', 'goroutine-leak', 'http-body-leak']
const SETTINGS: [string, string][] = [
  ['off', 'memprofilerate=4096'],
  ['tracebackancestors=5', 'memprofilerate=4096,tracebackancestors=5']
]

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
const get = (url: string): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve(Buffer.concat(chunks)))
        res.on('error', reject)
      })
      .on('error', reject)
  })

interface Measured {
  cpuUsPerRequest: number
  heapBytes: number
  goroutines: number
  dumpBytes: number
}

async function measureOnce(binary: string, godebug: string): Promise<Measured> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const child = spawnGroup(binary, [], {
    env: { ...childEnv(process.env), ADDR: `127.0.0.1:${port}`, GODEBUG: godebug },
    stdio: 'ignore'
  })
  try {
    for (let i = 0; i < 100; i++) {
      if (
        await get(`${base}/debug/pprof/`).then(
          () => true,
          () => false
        )
      )
        break
      await sleep(100)
    }
    const group = readGroup(child.pid!)
    const cpuBefore = groupCpuSec(group) ?? 0
    for (let i = 0; i < requests; i++) await get(`${base}/item/${i}?q=1`)
    const cpuSec = (groupCpuSec(readGroup(child.pid!)) ?? 0) - cpuBefore
    const heap = summarizeHeap(decodeProfile(await get(`${base}/debug/pprof/heap?gc=1`)))
    const goroutines = summarizeGoroutines(decodeProfile(await get(`${base}/debug/pprof/goroutine`))).total
    const dump = await get(`${base}/debug/pprof/goroutine?debug=2`)
    return {
      cpuUsPerRequest: (cpuSec / requests) * 1e6,
      heapBytes: heap.inuseBytes,
      goroutines,
      dumpBytes: dump.length
    }
  } finally {
    await stopGroup(child)
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const bin = mkdtempSync(join(tmpdir(), 'memgate-bench-ancestors-'))
try {
  const rows: string[] = [
    `R = ${runs} runs a cell, ${requests} sequential keep-alive requests each; medians`,
    '',
    '| fixture | setting | CPU µs/request | live heap after | goroutines after | heap per goroutine | debug=2 dump |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const fixture of FIXTURES) {
    const binary = join(bin, fixture)
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: join(SERVICES, fixture), stdio: 'inherit' })
    for (const [name, godebug] of SETTINGS) {
      const measured: Measured[] = []
      for (let r = 0; r < runs; r++) measured.push(await measureOnce(binary, godebug))
      const m = (f: (x: Measured) => number) => median(measured.map(f))
      const perGoroutine = m((x) => (x.goroutines > 10 ? x.heapBytes / x.goroutines : NaN))
      rows.push(
        `| ${fixture} | ${name} | ${m((x) => x.cpuUsPerRequest).toFixed(0)} | ${formatBytes(m((x) => x.heapBytes))} | ${m((x) => x.goroutines)} | ${Number.isNaN(perGoroutine) ? '—' : formatBytes(perGoroutine)} | ${formatBytes(m((x) => x.dumpBytes))} |`
      )
    }
  }
  process.stdout.write(`${rows.join('\n')}\n`)
} finally {
  agent.destroy()
  rmSync(bin, { recursive: true, force: true })
}
