// What the collector thinks of a batch request, before any scripted plan. Pure, so the rules the
// collector enforces read in one place: auth (pipelines-api.md §2), JSON, schema (§10), limits (§5).
import { checkBatchLimits, validateBatchBody } from './wire-schema.js'

export interface Verdict {
  /** 200, 400 or 401. */
  status: number
  errors: string[]
  /** The parsed body, when it is JSON. */
  body?: unknown
}

export interface BatchRequestInput {
  authorization: string | undefined
  /** The browser form (`/v1/b`): the write key is the body's `writeKey`, not the Authorization header. */
  keyInBody?: boolean
  rawBody: string
  writeKey: string | undefined
  validate: boolean
}

/** `Authorization` header value for a write key: HTTP Basic, key as user, empty password (§2). */
export function basicAuthorization(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`, 'utf8').toString('base64')}`
}

function parseJson(rawBody: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(rawBody) as unknown }
  } catch (error) {
    return { ok: false, error: `(body): not JSON: ${(error as Error).message}` }
  }
}

function authErrorsOf(input: BatchRequestInput, body: unknown): string[] {
  if (input.writeKey === undefined) return []
  if (input.keyInBody) {
    const key = (body as { writeKey?: unknown } | null)?.writeKey
    if (key === input.writeKey) return []
    return [
      key === undefined
        ? 'writeKey: missing from the body (the browser form /v1/b carries it there)'
        : 'writeKey: not the expected write key',
    ]
  }
  if (input.authorization === basicAuthorization(input.writeKey)) return []
  return [
    input.authorization === undefined
      ? 'authorization: header missing'
      : 'authorization: not Basic base64(writeKey + ":") for the expected write key',
  ]
}

export function judgeBatchRequest(input: BatchRequestInput): Verdict {
  const parsed = parseJson(input.rawBody)
  const authErrors = authErrorsOf(input, parsed.ok ? parsed.value : undefined)
  // Body problems are reported even on a 401, so one failing test shows everything that is wrong.
  const bodyErrors = !parsed.ok
    ? [parsed.error]
    : input.validate
      ? [...validateBatchBody(parsed.value), ...checkBatchLimits(input.rawBody)]
      : []
  const errors = [...authErrors, ...bodyErrors]
  const status = authErrors.length > 0 ? 401 : bodyErrors.length > 0 ? 400 : 200
  return parsed.ok ? { status, errors, body: parsed.value } : { status, errors }
}
