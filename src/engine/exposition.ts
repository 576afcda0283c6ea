// A strict parser of the Prometheus text exposition format (0.0.4, and OpenMetrics' extra
// comment lines), for reading a Go service's /metrics. Strict on purpose: an HTML page, a
// JSON body or a pprof page at the wrong URL is an error that names the line, never a set of
// made-up samples. The npm parser of this format (parse-prometheus-text-format, last
// published 2019) takes any line as a sample and drops the last one without a final newline.

export class ExpositionError extends Error {}

export interface ExpositionSample {
  name: string
  labels: Record<string, string>
  value: number
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[ \\t]*[a-zA-Z_][a-zA-Z0-9_]*[ \\t]*=[ \\t]*"(?:[^"\\\\\\n]|\\\\.)*"[ \\t]*'
// Go's strconv.ParseFloat as client_golang writes it: decimals, exponents, ±Inf, NaN.
const VALUE = '[+-]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Ii]nf|NaN)'
const SAMPLE = new RegExp(
  // name, optional {labels} (a trailing comma allowed), value, optional timestamp (ms, or
  // OpenMetrics' seconds), optional OpenMetrics exemplar after " # ".
  `^(${NAME})(?:[ \\t]*\\{((?:${LABEL},)*(?:${LABEL})?)\\})?[ \\t]+(${VALUE})(?:[ \\t]+-?\\d+(?:\\.\\d+)?)?(?:[ \\t]+#[ \\t].*)?$`
)
// Sticky: read label after label from where the last ended (SAMPLE checked their form), so a
// long name without "=" is not searched again from each of its letters.
const ONE_LABEL = /[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\\n]|\\.)*)"[ \t]*,?/y
const HELP = new RegExp(`^#[ \\t]+HELP[ \\t]+${NAME}(?:[ \\t].*)?$`)
const TYPE = new RegExp(
  `^#[ \\t]+TYPE[ \\t]+${NAME}[ \\t]+(?:counter|gauge|histogram|summary|untyped|gaugehistogram|stateset|info|unknown)$`
)

/** Every sample of the text; an ExpositionError names the first line that is not the format. */
export function parseExposition(text: string): ExpositionSample[] {
  const samples: ExpositionSample[] = []
  text.split('\n').forEach((raw, i) => {
    // Trailing blanks (and a CR) trimmed here, not matched by the patterns: a pattern that
    // ends in [ \t]*$ retries every start on a long run of blanks.
    const line = raw.trimEnd()
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      // HELP and TYPE have a grammar; any other comment (OpenMetrics' # UNIT, # EOF) is free.
      const keyword = /^#[ \t]+(HELP|TYPE)\b/.exec(line)?.[1]
      if ((keyword === 'HELP' && !HELP.test(line)) || (keyword === 'TYPE' && !TYPE.test(line)))
        throw notTheFormat(i, line)
      return
    }
    const m = SAMPLE.exec(line)
    if (!m) throw notTheFormat(i, line)
    const labels: Record<string, string> = {}
    ONE_LABEL.lastIndex = 0
    for (let l = ONE_LABEL.exec(m[2] ?? ''); l; l = ONE_LABEL.exec(m[2] ?? ''))
      labels[l[1]] = unescapeLabel(l[2])
    samples.push({ name: m[1], labels, value: parseValue(m[3]) })
  })
  return samples
}

function notTheFormat(index: number, line: string): ExpositionError {
  const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line
  return new ExpositionError(
    `line ${index + 1} is not Prometheus text: ${JSON.stringify(shown)}; give the URL where the service serves /metrics`
  )
}

function parseValue(text: string): number {
  if (/inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  return text.endsWith('NaN') ? NaN : Number(text)
}

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
}
