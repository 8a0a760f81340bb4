// A valibot encoding of the repository's spec/batch.schema.json (the body of POST /v1/batch), so the
// collector can check what an SDK sends without ajv at run time. It must accept and reject exactly what
// the JSON schema does; test/wire-schema.test.ts holds the two side by side. Section numbers refer to
// pipelines-api.md, the API digest spec/README.md maps to topics.
import * as v from 'valibot'
import { isRfc3339DateTime } from './date-time.js'
import { formatIssues } from './format-issues.js'

// JSON Schema `type: "object"` excludes arrays and null, but valibot's object and record schemas
// accept arrays. The guard has to run first: those schemas hand later pipe items a fresh plain object.
const isJsonObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value)

function objectGuard<TSchema extends v.GenericSchema>(schema: TSchema) {
  const guard = v.custom<v.InferInput<TSchema>>(isJsonObject, (issue) => `expected Object, received ${issue.received}`)
  return v.pipe(guard, schema)
}

/** A JSON object whose listed keys are typed and whose other keys are free (§6: no additionalProperties). */
const jsonObject = <TEntries extends v.ObjectEntries>(entries: TEntries) => objectGuard(v.looseObject(entries))

/** A JSON object whose every value matches `value` (JSON Schema `additionalProperties: {...}`). */
const jsonRecord = <TValue extends v.GenericSchema>(value: TValue) => objectGuard(v.record(v.string(), value))

const str = v.optional(v.string())
const bool = v.optional(v.boolean())
const dateTime = v.optional(
  v.pipe(v.string(), v.check(isRfc3339DateTime, 'expected an RFC 3339 date-time such as "2024-05-01T09:30:00Z" (§11)')),
)
const anyObject = v.optional(jsonObject({}))

// §8: destination name → enabled flag; `null` and non-boolean values are rejected (see §15.7).
const integrations = jsonRecord(v.boolean())

const contextBase = {
  active: bool,
  ip: str,
  locale: str,
  userAgent: str,
  channel: v.optional(v.picklist(['browser', 'server', 'mobile'])),
}

const contextNonMobile = jsonObject({
  ...contextBase,
  campaign: v.optional(jsonRecord(v.string())),
  page: v.optional(
    jsonObject({
      title: str,
      name: str,
      path: str,
      referrer: str,
      search: str,
      url: str,
      keywords: v.optional(v.array(v.string())),
    }),
  ),
})

const contextMobile = jsonObject({
  ...contextBase,
  app: v.optional(jsonObject({ version: str, name: str, build: str, namespace: str })),
  device: v.optional(
    jsonObject({
      version: str,
      id: str,
      advertisingId: str,
      manufacturer: str,
      model: str,
      name: str,
      type: v.optional(v.picklist(['android', 'ios'])),
    }),
  ),
  network: v.optional(jsonObject({ bluetooth: bool, cellular: bool, wifi: bool, carrier: str })),
  os: v.optional(jsonObject({ version: str, name: str })),
})

// §7 and §15.1-2: the spec's oneOf is read as anyOf, so a context is valid when either variant accepts
// it. Each variant leaves the other's keys untyped, so e.g. a bad `device.type` alone is still valid.
const context = v.union([contextNonMobile, contextMobile])

// §6 all_common_fields. `type` itself is typed by each message's literal.
const commonFields = {
  messageId: str,
  timestamp: dateTime,
  sentAt: dateTime,
  originalTimestamp: dateTime,
  receivedAt: dateTime,
  version: v.optional(v.number()),
  context: v.optional(context),
  integrations: v.optional(integrations),
}

/** JSON Schema `anyOf: [{required: [a]}, {required: [b]}, ...]`: presence only, typing is separate. */
function requireOneOf<TMessage extends Record<string, unknown>>(...keys: string[]) {
  return v.check<TMessage, string>((message) => keys.some((key) => message[key] !== undefined), `requires ${keys.join(' or ')}`)
}

const personIds = { userId: str, anonymousId: str }

const identify = v.pipe(
  v.looseObject({
    ...commonFields,
    ...personIds,
    type: v.literal('identify'),
    traits: v.optional(jsonObject({ email: str, createdAt: dateTime })),
  }),
  requireOneOf('userId', 'anonymousId'),
)

// §9 track: the single-call rule, stricter than the batch item variant (§10 table).
const track = v.pipe(
  v.looseObject({
    ...commonFields,
    ...personIds,
    type: v.literal('track'),
    event: v.string(),
    groupId: str,
    properties: anyObject,
  }),
  requireOneOf('userId', 'anonymousId', 'groupId'),
)

const pageProperties = jsonObject({
  title: str,
  category: str,
  url: str,
  referrer: str,
  path: str,
  search: str,
})

const page = v.pipe(
  v.looseObject({
    ...commonFields,
    ...personIds,
    type: v.literal('page'),
    name: str,
    properties: v.optional(pageProperties),
  }),
  requireOneOf('userId', 'anonymousId'),
)

const screen = v.pipe(
  v.looseObject({
    ...commonFields,
    ...personIds,
    type: v.literal('screen'),
    name: str,
    properties: anyObject,
  }),
  requireOneOf('userId', 'anonymousId'),
)

const group = v.pipe(
  v.looseObject({
    ...commonFields,
    ...personIds,
    type: v.literal('group'),
    groupId: v.string(),
    objectTypeId: str,
    traits: v.optional(jsonObject({ object_type_id: str })),
  }),
  requireOneOf('userId', 'anonymousId'),
)

// §15.3: alias is not a batch item in the spec; batch.schema.json accepts it on purpose. Note that
// alias types no anonymousId, exactly like the JSON schema.
const alias = v.looseObject({
  ...commonFields,
  type: v.literal('alias'),
  previousId: v.string(),
  userId: v.string(),
})

/** One batch item, discriminated by `type` (§16). */
export const batchMessageSchema = v.variant('type', [identify, track, page, screen, group, alias])

/** The whole body of POST /v1/batch (§10). No top-level key is required (§15.6). */
export const batchBodySchema = jsonObject({
  batch: v.optional(v.array(batchMessageSchema)),
  context: v.optional(context),
  integrations: v.optional(integrations),
})

/**
 * Checks a parsed body of POST /v1/batch against the wire schema.
 * @returns one readable error per problem, such as `batch[2].event: required`; empty when valid.
 */
export function validateBatchBody(body: unknown): string[] {
  const result = v.safeParse(batchBodySchema, body)
  return result.success ? [] : formatIssues(result.issues)
}

/** §5: the API silently drops a request body over this many UTF-8 bytes (KB read as 1000). */
export const MAX_BATCH_BYTES = 500_000
/** §5: the API silently drops a message whose JSON is over this many UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 32_000

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

/**
 * The byte limits JSON Schema cannot express (§5). Over-limit requests still get 200 from the real
 * API and are dropped unseen, so a test collector has to be the one that notices.
 * @returns one error per limit broken; empty when within limits (or when `rawBody` is not JSON
 *   with a `batch` array, in which case only the body size is checked).
 */
export function checkBatchLimits(rawBody: string): string[] {
  const errors: string[] = []
  const bodyBytes = utf8Bytes(rawBody)
  if (bodyBytes > MAX_BATCH_BYTES) {
    errors.push(`(body): ${bodyBytes} bytes, over the ${MAX_BATCH_BYTES}-byte batch limit`)
  }
  let messages: unknown
  try {
    messages = (JSON.parse(rawBody) as { batch?: unknown } | null)?.batch
  } catch {
    return errors
  }
  if (!Array.isArray(messages)) return errors
  messages.forEach((message: unknown, index) => {
    const bytes = utf8Bytes(JSON.stringify(message) ?? '')
    if (bytes > MAX_MESSAGE_BYTES) {
      errors.push(`batch[${index}]: ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte message limit`)
    }
  })
  return errors
}
