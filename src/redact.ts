// Secrets out of everything users see: the PR comment, the job summary, report.json, the
// artifact's logs, the terminal and error lines. None of these is masked by the runner the
// way the job log is, and a user's commands, URLs and env often carry credentials. Two
// kinds of redaction: by shape (URLs with credentials, headers, flags, key=value, well-known
// token formats) and by value (a Redactor built from the values known to be secret).

/** What a secret is replaced with. */
const HIDDEN = '***'

/** Values shorter than this are not redacted by value: "1", "on" or "dev" would blank out ordinary text. */
const MIN_SECRET_LENGTH = 4

// Name parts that mark a credential anywhere in a name (accessToken, DB_PASSWORD, x-api-key).
const SECRET_WORDS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credential']
// Name parts that mark a credential only as a whole part ("key" but not "monkey").
const SECRET_PARTS = new Set([
  'key',
  'pass',
  'pwd',
  'auth',
  'authorization',
  'cred',
  'creds',
  'dsn',
  'cookie',
  'session'
])

/**
 * Whether a name (env variable, flag, header, query or JSON key) usually holds a credential:
 * DB_PASSWORD, --api-key, X-Auth-Token, accessToken, STRIPE_SK is not (no telling part).
 */
export function isSecretName(name: string): boolean {
  // PWD is the shell's working directory, not a password.
  if (name === 'PWD') return false
  const parts = nameParts(name)
  const joined = parts.join('')
  return SECRET_WORDS.some((w) => joined.includes(w)) || parts.some((p) => SECRET_PARTS.has(p))
}

const nameParts = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)

// Name parts of an env variable whose value is an address, which may carry its credential
// anywhere: in the userinfo, the query, or the path itself (a Slack or Discord webhook, a
// presigned URL, a Sentry DSN's key), where no shape tells it from a plain path.
const ADDRESS_PARTS = new Set(['url', 'uri', 'dsn', 'webhook'])

/**
 * Whether an env value must never be shown: its name looks secret (DB_PASSWORD), or names
 * an address (SLACK_WEBHOOK_URL, DATABASE_URL, MONGO_URI, SENTRY_DSN), or the value holds a
 * credential by its shape (redis://:pw@cache). ADDR=127.0.0.1:8080 stays readable.
 */
export function isSecretEnv(name: string, value: string): boolean {
  return (
    isSecretName(name) || nameParts(name).some((p) => ADDRESS_PARTS.has(p)) || redactText(value) !== value
  )
}

/**
 * A URL without what may be secret: credentials and the query and fragment.
 * http://user:pw@host/x?token=1 -> http://***@host/x?***. A URL without them is unchanged.
 */
export function redactUrl(url: string): string {
  return url.replace(URL_PATTERN, redactUrlMatch)
}

// scheme://[userinfo@]host[path][?query][#fragment], up to whitespace, a quote or markup.
// userinfo is greedy up to the last "@" before the path, so a password with an unencoded "@" is covered.
const URL_PATTERN =
  /\b([a-z][a-z0-9+.-]{0,31}:\/\/)(?:([^\s/?#'"<>`]*)@)?([^\s?#'"<>`]*)(\?[^\s#'"<>`]*)?(#[^\s'"<>`]*)?/gi

function redactUrlMatch(
  _all: string,
  scheme: string,
  userinfo: string | undefined,
  rest: string,
  query: string | undefined,
  fragment: string | undefined
): string {
  const user = userinfo === undefined ? '' : `${HIDDEN}@`
  return `${scheme}${user}${rest}${query ? `?${HIDDEN}` : ''}${fragment ? `#${HIDDEN}` : ''}`
}

// A value: quoted, or up to whitespace, a quote, "&", ";" or ",". Lengths are bounded so that
// hostile text (a megabyte of `token="`) costs linear time.
const VALUE = String.raw`(?:"[^"\n]{0,1024}"|'[^'\n]{0,1024}'|[^\s'"&;,]+)`

/** A name followed by a separator; when the name is secret-looking, the value after it is hidden. */
interface NamedRule {
  /** Global; group 1 is the name, the whole match runs up to where the value starts. */
  head: RegExp
  /** Sticky; matched where the head ends. */
  value: RegExp
  hide: (value: RegExpExecArray) => string
}

const NAMED_RULES: NamedRule[] = [
  // Headers: "Authorization: Bearer x", -H 'X-Api-Key: x'. The scheme word stays; the rest of the value goes.
  // A name inside a URL (http://auth:8080) is a host, not a header.
  {
    head: /(?<![\w./@-])([A-Za-z][\w-]{0,63}):[ \t]*/g,
    value: /((?:Bearer|Basic|Token|Digest|Negotiate|Bot)[ \t]+)?(?!\/\/)[^\s'"][^'"\n]*/iy,
    hide: (v) => `${v[1] ?? ''}${HIDDEN}`
  },
  // Flags: --password=x, --token x, -password x. A following flag or shell operator is not a value.
  {
    head: /(?<![\w-])(--?[A-Za-z][\w-]{0,63})(?:=|[ \t]+)/g,
    value: new RegExp(String.raw`(?![-<>|&;=])${VALUE}`, 'y'),
    hide: () => HIDDEN
  },
  // key=value: TOKEN=x, password=x in a query or a log line, Password=x; in a connection string.
  {
    head: /\b([A-Za-z_][\w.-]{0,63})[ \t]*=[ \t]*/g,
    // In a connection string a value runs to the ";", spaces included.
    value: new RegExp(String.raw`(?!=)(?:[^;'"\n=&]{1,256}(?=;)|${VALUE})`, 'y'),
    hide: () => HIDDEN
  },
  // JSON: "password": "x".
  {
    head: /"([A-Za-z_][\w.-]{0,63})"[ \t]*:[ \t]*/g,
    value: /"[^"\n]{0,1024}"/y,
    hide: () => `"${HIDDEN}"`
  }
]

function redactNamed(text: string, rule: NamedRule): string {
  let out = ''
  let copied = 0
  rule.head.lastIndex = 0
  for (let head = rule.head.exec(text); head; head = rule.head.exec(text)) {
    if (!isSecretName(head[1])) continue
    const at = head.index + head[0].length
    rule.value.lastIndex = at
    const value = rule.value.exec(text)
    if (!value) continue
    out += text.slice(copied, at) + rule.hide(value)
    copied = rule.head.lastIndex = at + value[0].length
  }
  return out + text.slice(copied)
}

// Secrets recognised by their shape alone, wherever they are.
const SHAPES: [RegExp, (...groups: string[]) => string][] = [
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    () => `-----BEGIN PRIVATE KEY----- ${HIDDEN}`
  ],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, () => HIDDEN],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}/g, () => HIDDEN],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, () => HIDDEN],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, () => HIDDEN],
  [/\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/g, () => HIDDEN],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, () => HIDDEN],
  [/\bAIza[A-Za-z0-9_-]{35}/g, () => HIDDEN],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, () => HIDDEN],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, () => HIDDEN],
  // Go MySQL DSNs have no scheme: user:password@tcp(host:3306)/db.
  [
    /\b([A-Za-z0-9._-]{1,64}):[^\s@/'"]{1,256}@(tcp|unix|udp)\(/g,
    (_all, user, net) => `${user}:${HIDDEN}@${net}(`
  ]
]

/** What a credential flag's value holds. */
type Holds =
  /** user:password: the user stays, what follows the first ":" goes (all of it without one: a token). */
  | 'user:password'
  /** A password, token or cookie: all of it goes. */
  | 'secret'

interface CredentialFlag {
  /** The command's name (its path's last part). */
  tool: string
  flag: string
  holds: Holds
  /** Taken attached only (-pPW): apart, the next word is something else (mysql -p shop prompts, shop is the database). */
  attachedOnly?: true
}

/**
 * Flags of common load and client tools whose value is a credential, though the flag's
 * name does not say so (the named rules hide --password and --token of any command).
 * Headers (-H, -header) are hidden by the header rule, PGPASSWORD= by the key=value rule.
 */
export const CREDENTIAL_FLAGS: readonly CredentialFlag[] = [
  { tool: 'hey', flag: '-a', holds: 'user:password' },
  { tool: 'ab', flag: '-A', holds: 'user:password' },
  { tool: 'ab', flag: '-P', holds: 'user:password' },
  { tool: 'ab', flag: '-C', holds: 'secret' },
  { tool: 'curl', flag: '-u', holds: 'user:password' },
  { tool: 'curl', flag: '--user', holds: 'user:password' },
  { tool: 'curl', flag: '-U', holds: 'user:password' },
  { tool: 'curl', flag: '--proxy-user', holds: 'user:password' },
  { tool: 'curl', flag: '--oauth2-bearer', holds: 'secret' },
  { tool: 'curl', flag: '-b', holds: 'secret' },
  { tool: 'curl', flag: '--cookie', holds: 'secret' },
  { tool: 'redis-cli', flag: '-a', holds: 'secret' },
  { tool: 'redis-cli', flag: '--pass', holds: 'secret' },
  { tool: 'mysql', flag: '-p', holds: 'secret', attachedOnly: true },
  { tool: 'mysql', flag: '--password', holds: 'secret' },
  { tool: 'http', flag: '-a', holds: 'user:password' },
  { tool: 'http', flag: '--auth', holds: 'user:password' },
  { tool: 'https', flag: '-a', holds: 'user:password' },
  { tool: 'https', flag: '--auth', holds: 'user:password' },
  { tool: 'sshpass', flag: '-p', holds: 'secret' }
]

// Each tool's credential flags, by flag.
const TOOL_FLAGS = new Map<string, Map<string, CredentialFlag>>()
for (const entry of CREDENTIAL_FLAGS)
  TOOL_FLAGS.set(entry.tool, (TOOL_FLAGS.get(entry.tool) ?? new Map()).set(entry.flag, entry))

// Where a tool's name may stand as a command's word: most text has none, and skips the pass.
const TOOL_NAME = new RegExp(
  String.raw`(?:^|[\s;|&'"/])(?:${[...TOOL_FLAGS.keys()].join('|')})(?![^\s;|&'"])`
)

// A shell operator or line end (group 1), which ends a command, or a word. Quotes are read
// through, not as words: a command is often shown inside quotes of its own (load "…").
const COMMAND_WORD = /([;|&\n])|[^\s;|&'"]+/g
// A flag's value: characters and quoted strings (bounded, so an unclosed quote costs linear
// time) up to whitespace, an operator or a quote that closes nothing.
const FLAG_VALUE = /(?:[^\s;|&'"]|"[^"\n]{0,1024}"|'[^'\n]{0,1024}')+/y

const SPACES = /[ \t]*/y

/** `value` with what `holds` says hidden, its quotes kept: 'ops:pw' -> 'ops:***'. */
function hideValue(value: string, holds: Holds): string {
  const quote = value.length > 1 && /^["']/.test(value) && value.endsWith(value[0]) ? value[0] : ''
  const inner = quote ? value.slice(1, -1) : value
  const keep = holds === 'user:password' ? inner.indexOf(':') + 1 : 0
  return `${quote}${inner.slice(0, keep)}${HIDDEN}${quote}`
}

/**
 * The values of CREDENTIAL_FLAGS hidden: a flag counts after its tool's name in the same
 * command, its value apart (-a v), attached (-av) or after "=" (--auth=v, Go's -a=v). The
 * value is the next word whatever it is, as getopt and Go's flag package read it.
 */
function redactToolFlags(text: string): string {
  if (!TOOL_NAME.test(text)) return text
  let out = ''
  let copied = 0
  let flags: Map<string, CredentialFlag> | undefined
  const word = new RegExp(COMMAND_WORD)
  for (let m = word.exec(text); m; m = word.exec(text)) {
    const [found, operator] = m
    const tool = found.slice(found.lastIndexOf('/') + 1)
    if (operator) flags = undefined
    else if (TOOL_FLAGS.has(tool)) flags = TOOL_FLAGS.get(tool)
    if (operator || !flags) continue
    const eq = found.indexOf('=')
    let flag = flags.get(eq > 0 ? found.slice(0, eq) : found)
    let valueAt = m.index + (eq > 0 ? eq + 1 : found.length)
    if (!flag && /^-[A-Za-z]./.test(found)) [flag, valueAt] = [flags.get(found.slice(0, 2)), m.index + 2]
    if (!flag) continue
    SPACES.lastIndex = valueAt
    const spaces = SPACES.exec(text)![0].length
    // Apart: the flag alone, then spaces; -p'PW' is attached.
    if (valueAt === word.lastIndex && eq < 0 && spaces > 0) {
      if (flag.attachedOnly) continue
      valueAt += spaces
    }
    FLAG_VALUE.lastIndex = valueAt
    const value = FLAG_VALUE.exec(text)?.[0]
    if (!value) continue
    out += text.slice(copied, valueAt) + hideValue(value, flag.holds)
    copied = word.lastIndex = valueAt + value.length
  }
  return out + text.slice(copied)
}

/**
 * Text with secrets of known shapes hidden: URLs lose credentials, query and fragment;
 * headers, flags and key=value pairs with a secret-looking name lose their value; GitHub,
 * AWS, Stripe, Slack, Google and npm tokens, JWTs and private keys are hidden wherever they are.
 * Ordinary text is unchanged, and redacting twice changes nothing more.
 */
export function redactText(text: string): string {
  let out = redactUrl(text)
  for (const [pattern, replace] of SHAPES) out = out.replace(pattern, replace)
  out = redactToolFlags(out)
  for (const rule of NAMED_RULES) out = redactNamed(out, rule)
  return out
}

/**
 * An env block (KEY=VALUE lines) with each secret value (isSecretEnv: by name or by shape)
 * as "KEY=***", the others as written, so that a reproduce line can give ADDR=127.0.0.1:8080
 * and take DB_PASSWORD from the reader's shell; comments and blanks left out.
 */
export function envSecretsHidden(envText: string): string {
  return envText
    .split(/\r?\n/)
    .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map(([, name, value]) => `${name}=${isSecretEnv(name, value) ? HIDDEN : value}`)
    .join('\n')
}

/**
 * Hides known secret values (env values, the GitHub token) wherever they occur, then
 * secrets of known shapes (redactText). Values shorter than MIN_SECRET_LENGTH are ignored.
 */
export class Redactor {
  /** The values hidden, longest first, so that one inside another does not leave a tail. */
  readonly values: readonly string[]
  private readonly pattern: RegExp | null

  constructor(values: Iterable<string | null | undefined>) {
    const kept = new Set<string>()
    for (const v of values) if (v && v.length >= MIN_SECRET_LENGTH) kept.add(v)
    this.values = [...kept].sort((a, b) => b.length - a.length)
    this.pattern = this.values.length
      ? new RegExp(this.values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
      : null
  }

  /** A bound function: it can be handed on as it is (OutputTail's redact option). */
  readonly redact = (text: string): string =>
    redactText(this.pattern ? text.replace(this.pattern, HIDDEN) : text)

  /** Every string in a JSON-like value redacted (report.json before it is written or rendered). */
  redactJson<T>(value: T): T {
    return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
      typeof v === 'string' ? this.redact(v) : v
    ) as T
  }
}

/* eslint-disable no-control-regex -- matching control characters is the point */
// Terminal escapes: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \, or to the end of the line), the
// 8-bit CSI, and the other ESC sequences (ESC, intermediates, a final: ESC 7, ESC ( B).
const ANSI_ESCAPE =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]/g
// C0 and C1 controls but \t and \n (\r too: it lets a line overwrite itself), DEL, and the
// bidirectional overrides that make a line show in another order than it reads.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g
/* eslint-enable no-control-regex */

/** Text from a profile or a process, safe to print to a terminal: no escapes, no control characters but \n and \t. */
export function stripControl(text: string): string {
  return text.replace(ANSI_ESCAPE, '').replace(CONTROL, '')
}
