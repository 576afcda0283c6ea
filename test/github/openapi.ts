// Checks requests against GitHub's own REST description (@octokit/openapi), so the
// fake server refuses what api.github.com would refuse, and more: an undocumented
// query parameter or body field is reported too.
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema: Record<string, unknown>
}
interface Operation {
  parameters?: (Parameter | { $ref: string })[]
  requestBody?: {
    required?: boolean
    content: Record<string, { schema: { $ref?: string; properties?: object } }>
  }
}
interface Spec {
  paths: Record<string, Record<string, Operation>>
}
interface Route {
  method: string
  template: string
  pattern: RegExp
  literals: number
  operation: Operation
}

const SPEC_ID = 'github'
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

let loaded: { spec: Spec; routes: Route[]; ajv: Ajv; coercing: Ajv } | null = null

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json')
  const spec = JSON.parse(readFileSync(file, 'utf8')) as Spec
  const routes: Route[] = []
  for (const [template, item] of Object.entries(spec.paths)) {
    const segments = template.split('/')
    const pattern = new RegExp(
      '^' +
        segments
          .map((s) => (/^\{.+\}$/.test(s) ? '([^/]+)' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
          .join('/') +
        '$'
    )
    const literals = segments.filter((s) => !s.startsWith('{')).length
    for (const [method, operation] of Object.entries(item)) {
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method))
        routes.push({ method: method.toUpperCase(), template, pattern, literals, operation })
    }
  }
  // Where two templates match, the one with more literal segments is meant.
  routes.sort((a, b) => b.literals - a.literals)
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true, logger: false }))
  ajv.addSchema(spec, SPEC_ID)
  const coercing = addFormats(new Ajv({ strict: false, allErrors: true, coerceTypes: true, logger: false }))
  loaded = { spec, routes, ajv, coercing }
  return loaded
}

function pointer(...parts: string[]): string {
  return parts.map((p) => '/' + p.replace(/~/g, '~0').replace(/\//g, '~1')).join('')
}

function deref<T>(spec: Spec, value: T | { $ref: string }): T {
  if (value && typeof value === 'object' && '$ref' in value) {
    const target = value.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>(
        (node, key) => (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')],
        spec
      )
    return deref(spec, target as T)
  }
  return value as T
}

const validators = new Map<string, ValidateFunction>()

/** The template the request matches ('' when none) and every way it breaks the description. */
export function validateRequest(
  method: string,
  url: URL,
  contentType: string | undefined,
  rawBody: string
): { template: string; problems: string[] } {
  const { spec, routes, ajv, coercing } = load()
  const match = routes.find((r) => r.method === method && r.pattern.test(url.pathname))
  if (!match) return { template: '', problems: [`${method} ${url.pathname} is not in GitHub's REST API`] }
  const problems: string[] = []
  const where = `${method} ${match.template}`

  const params = (match.operation.parameters ?? []).map((p) => deref<Parameter>(spec, p))
  const pathValues = match.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent)
  const pathNames = [...match.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1])
  const values: Record<string, Record<string, unknown>> = {
    path: Object.fromEntries(pathNames.map((n, i) => [n, pathValues[i]])),
    query: Object.fromEntries(url.searchParams)
  }
  for (const location of ['path', 'query'] as const) {
    const declared = params.filter((p) => p.in === location)
    for (const name of Object.keys(values[location]))
      if (!declared.some((p) => p.name === name))
        problems.push(`${where}: undocumented ${location} parameter "${name}"`)
    const schema = {
      type: 'object',
      properties: Object.fromEntries(declared.map((p) => [p.name, p.schema])),
      required: declared.filter((p) => p.required).map((p) => p.name)
    }
    const validate = coercing.compile(schema)
    if (!validate({ ...values[location] }))
      problems.push(`${where}: ${location} parameters: ${coercing.errorsText(validate.errors)}`)
  }

  const body = match.operation.requestBody
  const json = body?.content['application/json']
  if (!rawBody) {
    if (body?.required) problems.push(`${where}: the request body is required`)
  } else if (!json) {
    problems.push(`${where}: takes no JSON body`)
  } else if (!contentType?.startsWith('application/json')) {
    problems.push(`${where}: body sent as ${contentType ?? 'no content type'}, not application/json`)
  } else {
    let data: unknown
    try {
      data = JSON.parse(rawBody)
    } catch {
      problems.push(`${where}: the body is not JSON`)
    }
    const ref = `${SPEC_ID}#${pointer('paths', match.template, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema')}`
    let validate = validators.get(ref)
    if (!validate) validators.set(ref, (validate = ajv.compile({ $ref: ref })))
    if (data !== undefined && !validate(data))
      problems.push(`${where}: body: ${ajv.errorsText(validate.errors)}`)
    const properties = deref<{ properties?: object }>(spec, json.schema).properties
    if (properties && data && typeof data === 'object')
      for (const key of Object.keys(data))
        if (!(key in properties)) problems.push(`${where}: undocumented body field "${key}"`)
  }
  return { template: match.template, problems }
}
