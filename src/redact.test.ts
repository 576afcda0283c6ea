import {
  CREDENTIAL_FLAGS,
  envSecretsHidden,
  isSecretEnv,
  isSecretName,
  redactText,
  redactUrl,
  Redactor,
  stripControl
} from './redact.js'

// Made-up secrets in the shapes real ones have; none is valid anywhere.
const GH_TOKEN = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'

describe('redactUrl', () => {
  it.each([
    ['http://user:pw@host/x?token=abc', 'http://***@host/x?***'],
    ['https://user:p@ss@db.example.com:5432/app', 'https://***@db.example.com:5432/app'],
    ['redis://:s3cret@cache:6379/0', 'redis://***@cache:6379/0'],
    [
      'mongodb+srv://admin:hunter2@cluster0.mongodb.net/db?retryWrites=true',
      'mongodb+srv://***@cluster0.mongodb.net/db?***'
    ],
    ['postgres://u:pw@127.0.0.1/db', 'postgres://***@127.0.0.1/db'],
    ['http://127.0.0.1:6060/debug/pprof#access_token=abc', 'http://127.0.0.1:6060/debug/pprof#***'],
    [
      'pprof-url: http://admin:pw@127.0.0.1:6060/debug/pprof did not answer',
      'pprof-url: http://***@127.0.0.1:6060/debug/pprof did not answer'
    ]
  ])('%s -> %s', (url, shown) => expect(redactUrl(url)).toBe(shown))

  it.each([
    'http://127.0.0.1:6060/debug/pprof',
    'https://github.com/owner/repo/pull/12',
    'https://medium.com/@author/post',
    'http://auth-service:8080/login',
    'git@github.com:owner/repo.git'
  ])('leaves %s as it is', (url) => expect(redactUrl(url)).toBe(url))
})

describe('redactText', () => {
  it.each([
    [
      'Authorization header',
      `curl -H 'Authorization: Bearer abc.def-123' http://x`,
      `curl -H 'Authorization: Bearer ***' http://x`
    ],
    [
      'Authorization unquoted to the end of the line',
      'Authorization: Basic dXNlcjpwdw==\nnext',
      'Authorization: Basic ***\nnext'
    ],
    [
      'api key header',
      `hey -H "X-Api-Key: 0123456789" http://127.0.0.1:8080/`,
      `hey -H "X-Api-Key: ***" http://127.0.0.1:8080/`
    ],
    ['auth token header', `-H 'X-Auth-Token:abcdef'`, `-H 'X-Auth-Token:***'`],
    ['cookie header', `-H 'Cookie: session=abc'`, `-H 'Cookie: ***'`],
    ['--password=', './load --password=hunter2 --rate 50', './load --password=*** --rate 50'],
    ['--token with a space', 'k6 run --token abc123 script.js', 'k6 run --token *** script.js'],
    ['--api-key quoted', `tool --api-key "a b c" go`, `tool --api-key *** go`],
    ['Go single-dash flag', './svc -db-password=pw -port=8080', './svc -db-password=*** -port=8080'],
    ['token=', 'token=abc123', 'token=***'],
    [
      'env style',
      'GITHUB_TOKEN=abc DB_PASSWORD=xyz LOG_LEVEL=debug ./svc',
      'GITHUB_TOKEN=*** DB_PASSWORD=*** LOG_LEVEL=debug ./svc'
    ],
    ['camelCase', 'accessToken=abc&user=bob', 'accessToken=***&user=bob'],
    [
      'a log line',
      'level=info msg="login" session_id=9f8e7d user=bob',
      'level=info msg="login" session_id=*** user=bob'
    ],
    ['GitHub classic token', `push with ${GH_TOKEN} done`, 'push with *** done'],
    ['GitHub server token', 'ghs_' + 'Z'.repeat(36), '***'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '***'],
    ['AWS access key', 'aws AKIAIOSFODNN7EXAMPLE s3 ls', 'aws *** s3 ls'],
    [
      'AWS secret key by name',
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key=***'
    ],
    ['JWT', `got ${JWT}.`, 'got ***.'],
    ['Stripe secret key', 'STRIPE_SK=sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'STRIPE_SK=***'],
    ['Slack token', 'xoxb-123456789012-abcdefABCDEF', '***'],
    [
      'connection string',
      'Server=db;User Id=sa;Password=p@ss w0rd;Encrypt=true',
      'Server=db;User Id=sa;Password=***;Encrypt=true'
    ],
    [
      'quoted connection string password',
      'Server=db;Password="a;b";Encrypt=true',
      'Server=db;Password=***;Encrypt=true'
    ],
    ['ODBC Pwd', 'Driver={x};Uid=sa;Pwd=secret;', 'Driver={x};Uid=sa;Pwd=***;'],
    ['redis URL in env', 'REDIS_ADDR=redis://:pw@10.0.0.1:6379', 'REDIS_ADDR=redis://***@10.0.0.1:6379'],
    ['Go MySQL DSN', 'DSN=root:hunter2@tcp(127.0.0.1:3306)/app', 'DSN=***'],
    [
      'Go MySQL DSN in a log',
      'open root:hunter2@tcp(127.0.0.1:3306)/app failed',
      'open root:***@tcp(127.0.0.1:3306)/app failed'
    ],
    ['curl -u', 'curl -u admin:hunter2 http://x', 'curl -u admin:*** http://x'],
    ['JSON', '{"password": "hunter2", "user": "bob"}', '{"password": "***", "user": "bob"}'],
    ['YAML', 'api_token: abc123', 'api_token: ***'],
    [
      'private key',
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nafter',
      'key:\n-----BEGIN PRIVATE KEY----- ***\nafter'
    ]
  ])('%s', (_case, text, shown) => expect(redactText(text)).toBe(shown))

  it.each([
    'go build -o bin/server ./cmd/server',
    'exited with code 2 after 30s',
    'main.(*Cache).Put /src/app/cache.go:42',
    'github.com/org/auth/token.(*Store).Get',
    'heap?gc=1&debug=1',
    'hey -z 30s -q 50 http://127.0.0.1:8080/',
    'the service was killed by SIGKILL',
    'PWD=/home/runner/work level=info',
    'if token == nil { return }',
    'monkey=banana keyboard=us',
    'docker login --password-stdin < file',
    'Time: 10:30, rate: 50/s',
    'interval: 500ms gives fewer than 8 samples'
  ])('leaves ordinary text as it is: %s', (text) => expect(redactText(text)).toBe(text))

  it('changes nothing more when applied twice', () => {
    const text = `curl -H 'Authorization: Bearer x' http://u:p@h/?a=1 --token t password=p ${GH_TOKEN}`
    const once = redactText(text)
    expect(redactText(once)).toBe(once)
    expect(once).not.toMatch(/Bearer x|u:p@|\?a=1|--token t|password=p|ghp_/)
  })

  it('costs linear time on hostile text', () => {
    const hostile = [
      'a-'.repeat(200_000),
      'token="'.repeat(100_000),
      'x://'.repeat(100_000),
      'a:'.repeat(200_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(10_000),
      'curl -u '.repeat(100_000),
      `hey -a '`.repeat(100_000),
      `'"`.repeat(200_000),
      `sh -c 'curl -b "`.repeat(50_000)
    ]
    // Quadratic behaviour on any of these would take minutes, far past the test's timeout.
    for (const text of hostile) expect(typeof redactText(text)).toBe('string')
  })
})

describe('credential flags of common tools', () => {
  // Every way a tool takes the flag's value: apart, attached (-pPW) and with "=".
  const forms = ({ flag, attachedOnly }: (typeof CREDENTIAL_FLAGS)[number]) => [
    ...(attachedOnly ? [] : [`${flag} `]),
    flag.startsWith('--') ? `${flag}=` : flag
  ]

  it.each(
    CREDENTIAL_FLAGS.flatMap((entry) => forms(entry).map((form) => [entry.tool, form, entry] as const))
  )('%s %s…', (tool, form, { holds }) => {
    const value = holds === 'user:password' ? 'ops:Pw9secret' : 'Pw9secret'
    const line = `${tool} ${form}${value} http://127.0.0.1:8080/`
    // The user stays, unless the flag's name looks secret (--auth): then the named rule hides it too.
    const shown = holds === 'user:password' && !isSecretName(form.trim()) ? 'ops:***' : '***'
    expect(redactText(line)).toBe(`${tool} ${form}${shown} http://127.0.0.1:8080/`)
  })

  it.each([
    [
      "hey -a, our README's example",
      'hey -z 30s -a admin:heyPass9 -c 4 "$URL"',
      'hey -z 30s -a admin:*** -c 4 "$URL"'
    ],
    ['ab -A', 'ab -n 100 -A user:abPass http://x/', 'ab -n 100 -A user:*** http://x/'],
    ['ab -C cookie', 'ab -C sid=abc123 http://x/', 'ab -C *** http://x/'],
    ['curl --oauth2-bearer', 'curl --oauth2-bearer tok123 http://x', 'curl --oauth2-bearer *** http://x'],
    ['curl -b', "curl -b 'sid=s3cret; theme=dark' http://x", "curl -b '***' http://x"],
    ['curl -u attached', 'curl -uadmin:pw http://x', 'curl -uadmin:*** http://x'],
    ['curl by its path', '/usr/bin/curl --user admin:pw http://x', '/usr/bin/curl --user admin:*** http://x'],
    ['redis-cli -a', 'redis-cli -a redisPw ping', 'redis-cli -a *** ping'],
    ['redis-cli --user is a name', 'redis-cli --user app --pass redisPw', 'redis-cli --user app --pass ***'],
    ['mysql -p attached', 'mysql -u root -pMyPw9 shop', 'mysql -u root -p*** shop'],
    ['mysql -p attached, quoted', `mysql -p'My Pw9' shop`, `mysql -p'***' shop`],
    ['--auth= quoted', `http --auth='bob:a b' :8080/`, 'http --auth=*** :8080/'],
    [
      'a command shown in quotes of its own',
      `load ": hey -a admin:heyPass9; echo "to $U"; curl -u admin:curlPass8 -H 'X: y' "$U""`,
      `load ": hey -a admin:***; echo "to $U"; curl -u admin:*** -H 'X: y' "$U""`
    ],
    [
      'mysql -p apart is a prompt, the next word a database',
      'mysql -u root -p shop',
      'mysql -u root -p shop'
    ],
    ['psql PGPASSWORD', 'PGPASSWORD=pgPw9 psql -h db', 'PGPASSWORD=*** psql -h db'],
    ['httpie -a', 'http -a bob:bobPw :8080/orders', 'http -a bob:*** :8080/orders'],
    ['httpie bearer token', 'http -A bearer --auth tok123 :8080/', 'http -A bearer --auth *** :8080/'],
    ['sshpass -p', 'sshpass -p sshPw9 ssh host', 'sshpass -p *** ssh host'],
    [
      'wrk header',
      "wrk -H 'Authorization: Bearer tok' http://x/",
      "wrk -H 'Authorization: Bearer ***' http://x/"
    ],
    ['vegeta -header', 'vegeta attack -header "X-Api-Key: k3y"', 'vegeta attack -header "X-Api-Key: ***"'],
    [
      'a command inside sh -c',
      "sh -c 'hey -a admin:heyPass9 http://x/'",
      "sh -c 'hey -a admin:*** http://x/'"
    ],
    [
      'a password with a space in quotes',
      'curl -u "admin:two words" http://x',
      'curl -u "admin:***" http://x'
    ],
    ['a user alone', 'hey -a heyToken http://x/', 'hey -a *** http://x/']
  ])('%s', (_case, text, shown) => expect(redactText(text)).toBe(shown))

  it.each([
    'mysql -P 3306 -h db',
    'curl -b',
    'curl -s http://x -b',
    'hey -c 8 -q 50 http://x/',
    'ls -a; curl http://x',
    'hey -z 30s http://x/ | tee out; ab -c 4 http://x/',
    'tar -a -cf out.tar.gz dir'
  ])('leaves %s as it is', (text) => expect(redactText(text)).toBe(text))
})

describe('isSecretEnv', () => {
  it.each([
    ['SLACK_WEBHOOK_URL', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'],
    ['DATABASE_URL', 'postgres://db.internal/shop'],
    ['MONGO_URI', 'mongodb://mongo:27017'],
    ['SENTRY_DSN', 'https://abc@o1.ingest.sentry.io/1'],
    ['DISCORD_WEBHOOK', 'https://discord.com/api/webhooks/1/abc'],
    ['apiBaseUrl', 'https://api.example.com/v1'],
    ['DB_PASSWORD', 'plain'],
    ['OPTIONS', 'redis://:pw@cache:6379']
  ])('%s is secret', (name, value) => expect(isSecretEnv(name, value)).toBe(true))

  it.each([
    ['ADDR', '127.0.0.1:8080'],
    ['LOG_LEVEL', 'debug'],
    ['CURLY', 'https://example.com/x']
  ])('%s is not', (name, value) => expect(isSecretEnv(name, value)).toBe(false))
})

describe('isSecretName', () => {
  it.each([
    'DB_PASSWORD',
    'api-key',
    'X-Api-Key',
    'accessToken',
    'GITHUB_TOKEN',
    'SECRET',
    'Authorization',
    'Pwd',
    'MYSQL_DSN',
    'creds'
  ])('%s is secret', (name) => expect(isSecretName(name)).toBe(true))
  it.each(['PWD', 'monkey', 'keyboard', 'rate', 'LOG_LEVEL', 'PORT', 'STRIPE_SK', 'user'])(
    '%s is not',
    (name) => expect(isSecretName(name)).toBe(false)
  )
})

describe('envSecretsHidden', () => {
  it('hides the values secret by name or shape and keeps the others as written', () => {
    const env =
      'REDIS_ADDR=redis://:pw@cache:6379\n# token: abc\n\nMODE=release\n  API_KEY=k1\nX=AKIAIOSFODNN7EXAMPLE'
    expect(envSecretsHidden(env)).toBe('REDIS_ADDR=***\nMODE=release\nAPI_KEY=***\nX=***')
  })
})

describe('Redactor', () => {
  it('hides every occurrence of a known value, whatever its shape', () => {
    const r = new Redactor(['plain-stripe-value', 'hunter22', undefined, null])
    expect(r.redact('a plain-stripe-value b plain-stripe-value hunter22!')).toBe('a *** b *** ***!')
  })

  it('ignores values too short to be told from ordinary text', () => {
    const r = new Redactor(['on', '1', 'dev', ''])
    expect(r.values).toEqual([])
    expect(r.redact('dev on 1')).toBe('dev on 1')
  })

  it('hides the longer value first, so that no tail of it is left', () => {
    const r = new Redactor(['abcd', 'abcdefgh'])
    expect(r.redact('xabcdefghx')).toBe('x***x')
  })

  it('treats values as text, not patterns', () => {
    const r = new Redactor(['a.b*c(d)', '$(rm -rf)'])
    expect(r.redact('a.b*c(d) aXb $(rm -rf)')).toBe('*** aXb ***')
  })

  it('also hides secrets by their shape', () => {
    expect(new Redactor([]).redact('--token abc')).toBe('--token ***')
  })

  it('redacts every string in a report-like value and keeps the rest', () => {
    const r = new Redactor(['s3cr3t-value'])
    const report = {
      config: { 'start-command': './svc --key s3cr3t-value', rate: '50' },
      notes: ['fetch http://u:p@h/x failed'],
      slopeBytesPerSec: 12.5,
      ok: true,
      missing: null
    }
    expect(r.redactJson(report)).toEqual({
      config: { 'start-command': './svc --key ***', rate: '50' },
      notes: ['fetch http://***@h/x failed'],
      slopeBytesPerSec: 12.5,
      ok: true,
      missing: null
    })
  })
})

describe('stripControl', () => {
  it.each([
    ['colours', '\x1b[31mred\x1b[0m and \x1b[1;38;5;196mbold\x1b[m', 'red and bold'],
    ['a clear screen and a cursor move', '\x1b[2J\x1b[Hmain.leak', 'main.leak'],
    ['a window title (OSC ended by BEL)', '\x1b]0;pwned\x07main.f', 'main.f'],
    ['a hyperlink (OSC ended by ST)', '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\', 'click'],
    ['an unterminated OSC, to the end of its line', 'main.f\x1b]0;title\nnext', 'main.f\nnext'],
    ['the 8-bit CSI', '\x9b31mred', 'red'],
    ['save and restore cursor, charset', '\x1b7a\x1b8b\x1b(Bc', 'abc'],
    ['a carriage return that overwrites the line', 'FAIL\rPASS', 'FAILPASS'],
    ['backspaces', 'leak\b\b\b\bnone', 'leaknone'],
    ['NUL, BEL, vertical tab, form feed, DEL', 'a\x00b\x07c\x0bd\x0ce\x7ff', 'abcdef'],
    ['C1 controls', 'a\x85b\x9dc', 'abc'],
    ['bidirectional overrides', 'main.\u202egnp.fig\u202c', 'main.gnp.fig'],
    ['a lone ESC', 'a\x1b', 'a']
  ])('removes %s', (_case, text, shown) => expect(stripControl(text)).toBe(shown))

  it('keeps newlines, tabs and any printable text', () => {
    const text = 'goroutine 1 [running]:\n\tmain.main()\n\t\t/src/main.go:12 +0x1d\nÜnïcödé → 漢字 😀 [x] {y}'
    expect(stripControl(text)).toBe(text)
  })

  it('costs linear time on long runs of escapes', () => {
    // Quadratic behaviour would take minutes here, far past the test's timeout.
    for (const unit of ['\x1b[', '\x1b]', '\x1b[1;', '\x9b1', '\x1b(']) {
      const shown = stripControl(unit.repeat(200_000) + '\n')
      expect(shown.includes('\x1b') || shown.includes('\x9b')).toBe(false)
      expect(shown.endsWith('\n')).toBe(true)
    }
  })
})
