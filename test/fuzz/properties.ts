// Properties for fast-check over what memgate reads from others and what it publishes:
// the profile decoder and the goroutine text parser (a service's pprof endpoint), the
// report.json reader (a fork's artifact in `mode: comment`, a stored baseline), and the
// markdown and terminal renderers (what a PR comment shows), and the redactor over the
// credential flags of common tools (what a load-command may hold). Each `check` returns the
// finding an input led to, or null; test/fuzz.test.ts runs them in CI, test/fuzz/run.ts
// (`npm run fuzz`) many more times with a summary.
import fc from 'fast-check'
import { Ajv } from 'ajv'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { ConfigError, describeConfig, secretValues, type RawInputs } from '../../src/config.js'
import { GateError } from '../../src/errors.js'
import type { Report } from '../../src/model.js'
import { decodeProfile } from '../../src/profile/decode.js'
import { parseGoroutineText } from '../../src/profile/goroutine-text.js'
import { summarizeGoroutines } from '../../src/profile/goroutines.js'
import { summarizeHeap } from '../../src/profile/heap.js'
import { CREDENTIAL_FLAGS, Redactor, redactText } from '../../src/redact.js'
import { escapeText } from '../../src/report/escape.js'
import { renderMarkdown } from '../../src/report/markdown.js'
import { parseReport } from '../../src/report/report.js'
import { REPORT_SCHEMA } from '../../src/report/schema.js'
import { renderTerminal } from '../../src/report/terminal.js'
import {
  asVersion1,
  failWithBaselineReport,
  heapSite,
  leakSignature,
  inconclusiveReport,
  makeReport,
  passReport
} from '../fixtures/reports.js'

export interface Finding {
  /** crash: an error other than the one-line kind; schema: a report read that breaks it; markup, leak: in what renderers print. */
  kind: 'crash' | 'schema' | 'markup' | 'leak'
  detail: string
}

export interface FuzzProperty<T> {
  name: string
  arbitrary: fc.Arbitrary<T>
  check(input: T): Finding | null
}

/** An error thrown where only a GateError (or ConfigError) with a one-line message may be. */
function unexpected(e: unknown, allowed: new (...args: never[]) => Error): Finding | null {
  if (e instanceof allowed && e.message !== '' && !e.message.includes('\n')) return null
  return { kind: 'crash', detail: e instanceof Error ? (e.stack ?? e.message) : String(e) }
}

const PROFILES = fileURLToPath(new URL('../fixtures/profiles/', import.meta.url))
const fixtureFiles = (suffix: string): string[] =>
  readdirSync(PROFILES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(PROFILES, f))

// The real heap profiles, gunzipped once: mutations work on the protobuf, then it is gzipped again.
const HEAP_PROTOBUFS = fixtureFiles('.pb.gz').map((f) => gunzipSync(readFileSync(f)))
const GOROUTINE_TEXTS = fixtureFiles('-goroutine.txt').map((f) => readFileSync(f, 'utf8'))

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'cut'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'truncate'; at: number }

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 })
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() })
)

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(bytes)
  for (const m of mutations) {
    const at = m.at % Math.max(b.length, 1)
    if (m.op === 'flip' && b.length) b[at] ^= 1 << m.bit
    if (m.op === 'set' && b.length) b[at] = m.value
    if (m.op === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)])
    if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)])
    if (m.op === 'truncate') b = b.subarray(0, at)
  }
  return b
}

/** What a pprof endpoint may send instead of a heap profile. */
export type ProfileInput =
  | { form: 'raw'; bytes: Uint8Array }
  | { form: 'gzipped'; bytes: Uint8Array }
  | { form: 'mutated'; profile: number; mutations: Mutation[] }

function profileBytes(input: ProfileInput): Buffer {
  if (input.form === 'raw') return Buffer.from(input.bytes)
  if (input.form === 'gzipped') return gzipSync(input.bytes, { level: 1 })
  const source = HEAP_PROTOBUFS[input.profile % HEAP_PROTOBUFS.length]
  return gzipSync(mutate(source, input.mutations), { level: 1 })
}

/** decodeProfile and the summaries made of it: a result, or a GateError; nothing else. */
export const profileDecoder: FuzzProperty<ProfileInput> = {
  name: 'profile decoder',
  arbitrary: fc.oneof(
    {
      weight: 1,
      arbitrary: fc.record({ form: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 2048 }) })
    },
    {
      weight: 2,
      arbitrary: fc.record({
        form: fc.constant('gzipped' as const),
        bytes: fc.uint8Array({ maxLength: 2048 })
      })
    },
    {
      weight: 7,
      arbitrary: fc.record({
        form: fc.constant('mutated' as const),
        profile: fc.nat(),
        mutations: fc.array(mutation, { minLength: 1, maxLength: 8 })
      })
    }
  ),
  check(input) {
    try {
      const profile = decodeProfile(profileBytes(input))
      summarizeHeap(profile)
      summarizeGoroutines(profile)
      return null
    } catch (e) {
      return unexpected(e, GateError)
    }
  }
}

/** `goroutine?debug=2` text, mutated by lines and characters. */
export interface GoroutineTextInput {
  text: number
  edits: { at: number; cut: number; insert: string }[]
}

export const goroutineText: FuzzProperty<GoroutineTextInput> = {
  name: 'goroutine text parser',
  arbitrary: fc.record({
    text: fc.nat(),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        cut: fc.nat({ max: 200 }),
        insert: fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('\n', '\ngoroutine 1 [', ']:\n', '\tcreated by ', ' +0x')
        )
      }),
      { maxLength: 8 }
    )
  }),
  check(input) {
    let text = GOROUTINE_TEXTS[input.text % GOROUTINE_TEXTS.length]
    for (const e of input.edits) {
      const at = e.at % (text.length + 1)
      text = text.slice(0, at) + e.insert + text.slice(at + e.cut)
    }
    try {
      parseGoroutineText(text)
      return null
    } catch (e) {
      return unexpected(e, GateError)
    }
  }
}

// The report.json reader. A report is read as JSON text; edits reach any field of a real one.

const REPORTS: unknown[] = [
  makeReport(),
  passReport(),
  failWithBaselineReport(),
  inconclusiveReport(),
  asVersion1(failWithBaselineReport())
]
/** Stands for a number literal JSON.stringify cannot write: 1e999 parses as Infinity. */
const HUGE = '__memgate_fuzz_huge__'

type Edit =
  | { at: number; op: 'delete' }
  | { at: number; op: 'set'; value: unknown }
  /** A value of the type already there: the report mostly stays valid, and the renderers get odd values. */
  | { at: number; op: 'alike'; text: string; number: number; flag: boolean }

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.nat(), op: fc.constant('delete' as const) }),
  fc.record({
    at: fc.nat(),
    op: fc.constant('alike' as const),
    text: fc.string({ unit: 'binary', maxLength: 30 }),
    number: fc.double({ noNaN: true, noDefaultInfinity: true }),
    flag: fc.boolean()
  }),
  fc.record({
    at: fc.nat(),
    op: fc.constant('set' as const),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.double(),
      fc.string({ maxLength: 20 }),
      fc.constantFrom(null, [], {}, HUGE, -1, 2 ** 53, 'x'.repeat(9000))
    )
  })
)

/** Every path in a JSON value, the root left out. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return []
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value)
  return keys.flatMap((k) => [[...at, k], ...paths((value as Record<string, unknown>)[k], [...at, k])])
}

function applyEdits(base: unknown, edits: Edit[]): string {
  const value = structuredClone(base)
  for (const e of edits) {
    const all = paths(value)
    if (all.length === 0) break
    const path = all[e.at % all.length]
    const parent = path.slice(0, -1).reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], value) as
      Record<string, unknown> | unknown[]
    const key = path[path.length - 1]
    const was = (parent as Record<string, unknown>)[key]
    if (e.op === 'alike')
      (parent as Record<string, unknown>)[key] =
        typeof was === 'string'
          ? e.text
          : typeof was === 'number'
            ? e.number
            : typeof was === 'boolean'
              ? e.flag
              : was
    else if (e.op === 'set') (parent as Record<string, unknown>)[key] = structuredClone(e.value)
    else if (Array.isArray(parent)) parent.splice(key as number, 1)
    else delete parent[key]
  }
  return JSON.stringify(value).replaceAll(`"${HUGE}"`, '1e999')
}

const validV2 = new Ajv({ strict: true, allowUnionTypes: true }).compile(REPORT_SCHEMA)

/** parseReport gives a report that meets the schema and renders, or a one-line ConfigError. */
export const reportReader: FuzzProperty<string> = {
  name: 'report.json reader',
  arbitrary: fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    {
      weight: 8,
      arbitrary: fc
        .record({ base: fc.nat(), edits: fc.array(edit, { minLength: 1, maxLength: 4 }) })
        .map(({ base, edits }) => applyEdits(REPORTS[base % REPORTS.length], edits))
    }
  ),
  check(text) {
    let report: Report
    try {
      report = parseReport(text, 'fuzz.json', 'report-json')
    } catch (e) {
      return unexpected(e, ConfigError)
    }
    if (!validV2(report))
      return { kind: 'schema', detail: JSON.stringify(validV2.errors?.[0]) + ' in ' + text.slice(0, 500) }
    try {
      renderMarkdown(report)
      renderMarkdown(report, { maxChars: 2000 })
      renderTerminal(report)
      return null
    } catch (e) {
      return { kind: 'crash', detail: `${(e as Error).stack}\nin ${text.slice(0, 500)}` }
    }
  }
}

// The renderers over reports whose text is hostile, one env value of which is a secret.

/** Pieces a hostile string is made of: markup, table pipes, newlines, escapes, workflow commands. */
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</details>',
  '<!--',
  '|',
  '\\|',
  '\n# heading',
  '\r\n',
  '```',
  '`',
  '&lt;',
  '&#124;',
  '[x](javascript:alert(1))',
  '@here',
  // What cmark-gfm autolinks and GitHub's filters link (test/fuzz/comment.ts).
  'https://evil.example/x',
  'www.evil.example',
  'mailto:a@b.co',
  '&#64;team',
  '#1',
  '&#35;1',
  'GH-3',
  'owner/repo#3',
  '\u200b',
  '\u2066',
  '::set-output name=x::1',
  '\u001b[31m',
  '\u202e',
  '*',
  '_',
  '~'
]
const hostileText = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...HOSTILE)), {
    maxLength: 6
  })
  .map((parts) => parts.join(''))

export interface RenderInput {
  secret: string
  /** Hostile strings, each with the secret spliced in or not. */
  texts: { text: string; withSecret: boolean }[]
}

/** A report whose strings come from the input, as a fork may write it. */
export function hostileReport(input: RenderInput): Report {
  let i = 0
  const next = () => {
    const t = input.texts[i++ % input.texts.length] ?? { text: '', withSecret: false }
    if (!t.withSecret) return t.text
    const mid = Math.floor(t.text.length / 2)
    return t.text.slice(0, mid) + input.secret + t.text.slice(mid)
  }
  const raw: RawInputs = {
    env: `DB_PASSWORD=${input.secret}\nPLAIN=${next().replace(/[\r\n]/g, ' ')}`,
    'load-command': next(),
    'start-command': next(),
    'build-command': next(),
    'pprof-url': `http://127.0.0.1:6060/${next()}`,
    'max-heap-growth': next()
  }
  const report = failWithBaselineReport()
  report.config = describeConfig(raw)
  report.notices = [next(), next()]
  report.reasons = [next()]
  for (const run of [report.runs.head, report.runs.base!]) {
    run.sampleNotes = [next(), { kind: 'sample-dropped', sample: 2, atSec: 1, error: next() }]
    run.ref = next()
    run.load = {
      kind: 'command',
      command: next(),
      requests: null,
      errors: null,
      achievedRatePerSec: null,
      exitCode: 3
    }
    run.attribution = {
      heap: [heapSite({ function: next(), file: next(), repoPath: next(), callPath: [next(), next()] })],
      goroutines: [
        {
          function: next(),
          file: next(),
          line: 7,
          callPath: [next()],
          waitReason: next(),
          createdBy: next(),
          countGrowth: 40,
          perSec: 2,
          count: 52
        }
      ],
      files: { flamegraph: next(), heapFirst: next(), heapLast: next() },
      heapSamplingRateBytes: 512 * 1024,
      signatures: [
        leakSignature({
          site: { function: next(), file: next(), line: 9, repoPath: next() },
          evidence: next()
        })
      ]
    }
  }
  report.comparison = { ...report.comparison, newInHead: [next(), next()] }
  return report
}

/** The report the gate would write: redacted with the secret known (gate.ts). */
const redacted = (report: Report, secret: string): Report =>
  new Redactor(secretValues({ env: { DB_PASSWORD: secret }, githubToken: '' })).redactJson(report)

// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Each table's rows have as many cells as its header: a `|` in a cell would add one. */
function tableRowsOff(markdown: string): string | null {
  let columns = -1
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = -1
      continue
    }
    const cells = line.split('|').length
    if (columns < 0) columns = cells
    else if (cells !== columns) return line
  }
  return null
}

export const renderers: FuzzProperty<RenderInput> = {
  name: 'markdown and terminal renderers',
  arbitrary: fc.record({
    secret: fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((s) => `Sk${s}`),
    texts: fc.array(fc.record({ text: hostileText, withSecret: fc.boolean() }), {
      minLength: 1,
      maxLength: 12
    })
  }),
  check(input) {
    let markdown: string
    let terminal: string
    try {
      const report = redacted(hostileReport(input), input.secret)
      markdown = renderMarkdown(report)
      terminal = renderTerminal(report)
    } catch (e) {
      return { kind: 'crash', detail: (e as Error).stack ?? String(e) }
    }
    for (const [where, text] of [
      ['markdown', markdown],
      ['terminal', terminal]
    ])
      if (text.includes(input.secret) || text.includes(escapeText(input.secret)))
        return { kind: 'leak', detail: `the secret ${input.secret} is in the ${where} output` }
    const row = tableRowsOff(markdown)
    if (row !== null) return { kind: 'markup', detail: `a table row with a cell too many: ${row}` }
    if (CONTROL.test(terminal))
      return { kind: 'markup', detail: `a control character in the terminal output` }
    return null
  }
}

// The redactor over commands that pass a credential to a tool (hey -a, curl -b, mysql -pPW…).

export interface ToolLineInput {
  line: string
  secret: string
}

/** `<tool> <flag> <value>` in each form the flag takes, its value quoted or not, in a command, sh -c or a log line. */
const toolLine: fc.Arbitrary<ToolLineInput> = fc
  .record({
    entry: fc.constantFrom(...CREDENTIAL_FLAGS),
    apart: fc.boolean(),
    user: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,11}$/),
    // Any character a shell word may hold unquoted; "Sk" so that it is nowhere else in the line.
    secret: fc.stringMatching(/^[A-Za-z0-9!#%+,./:=?@^_~$-]{4,32}$/).map((s) => `Sk${s}`),
    quote: fc.constantFrom('', "'", '"'),
    before: fc.constantFrom('', 'timeout 60 ', 'env A=1 ', '/usr/local/bin/', 'cd /tmp && '),
    after: fc.constantFrom('', ' http://127.0.0.1:8080/', ' -c 8', '; echo done', ' | tee load.log'),
    // As written, run by sh -c, or as the log shows it: head: load "…", whatever quotes it holds.
    wrap: fc.constantFrom('', 'sh -c', 'log')
  })
  .map(({ entry, apart, user, secret, quote, before, after, wrap }) => {
    const value = `${quote}${entry.holds === 'user:password' ? `${user}:` : ''}${secret}${quote}`
    // Apart, attached to a short flag (-pPW), after "=" for a long one (--auth=v).
    const form =
      apart && !entry.attachedOnly
        ? `${entry.flag} `
        : entry.flag.startsWith('--')
          ? `${entry.flag}=`
          : entry.flag
    const command = `${before}${entry.tool} ${form}${value}${after}`
    const outer = quote === "'" ? '"' : "'"
    const line =
      wrap === 'sh -c'
        ? `sh -c ${outer}${command}${outer}`
        : wrap === 'log'
          ? `head: load "${command}"`
          : command
    return { line, secret }
  })

export const toolCredentials: FuzzProperty<ToolLineInput> = {
  name: 'redactor on tool credentials',
  arbitrary: toolLine,
  check({ line, secret }) {
    const once = redactText(line)
    if (once.includes(secret)) return { kind: 'leak', detail: `the secret survives in: ${once}` }
    const twice = redactText(once)
    if (twice !== once) return { kind: 'crash', detail: `redacting twice changed ${once} into ${twice}` }
    return null
  }
}

export const PROPERTIES: FuzzProperty<unknown>[] = [
  profileDecoder,
  goroutineText,
  reportReader,
  renderers,
  toolCredentials
]
