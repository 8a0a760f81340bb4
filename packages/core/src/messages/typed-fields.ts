/**
 * The fields the API's schema types below the top level (pipelines-api.md §6–§9 and §16:
 * context sub-objects and enums, `traits.email`, `traits.createdAt`, page property strings,
 * the common date-time fields). One wrong value there makes the API reject the whole request,
 * good messages included, so it fails its own message here instead. Values are judged as
 * JSON.stringify will write them: a Date is its ISO string, `undefined` is left out.
 */
import { isRfc3339 } from '../timestamp.js'
import type { MessageType } from '../types.js'

/** A failed check: the dotted path, what it must be, and what it is. */
export interface TypedFieldIssue {
  path: string
  expected: string
  got: unknown
}

type Check = (value: unknown, path: string) => TypedFieldIssue | undefined
type Shape = Record<string, Check>

const ABSENT = Symbol('absent')

/** The value as JSON.stringify writes it, or ABSENT when it drops the key. */
function asJson(value: unknown): unknown {
  // Only an object can have a toJSON JSON.stringify calls here, or be a boxed primitive.
  if (value !== null && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') value = (value as { toJSON: () => unknown }).toJSON()
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf()
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return ABSENT
  return value
}

const issue = (path: string, expected: string, got: unknown): TypedFieldIssue => ({ path, expected, got })

const string: Check = (value, path) => (typeof value === 'string' ? undefined : issue(path, 'a string', value))
const boolean: Check = (value, path) => (typeof value === 'boolean' ? undefined : issue(path, 'a boolean', value))
const number: Check = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : issue(path, 'a finite number', value)
const dateTime: Check = (value, path) =>
  typeof value === 'string' && isRfc3339(value)
    ? undefined
    : issue(path, 'an RFC 3339 date-time with a zone, or a Date in years 0–9999', value)
const oneOf =
  (...allowed: string[]): Check =>
  (value, path) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : issue(path, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value)
/** Object type ids are stringified integers (pipelines-api.md §12); the semantic helpers check them too. */
export const OBJECT_TYPE_ID = 'a string of digits such as "1"'
export const isObjectTypeId = (value: unknown): boolean => typeof value === 'string' && /^\d+$/.test(value)
const digits: Check = (value, path) => (isObjectTypeId(value) ? undefined : issue(path, OBJECT_TYPE_ID, value))
const strings: Check = (value, path) => {
  if (!Array.isArray(value)) return issue(path, 'an array of strings', value)
  for (let i = 0; i < value.length; i++) {
    const item = asJson(value[i])
    if (typeof item !== 'string') return issue(`${path}.${i}`, 'a string', value[i])
  }
  return undefined
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

/** An object (when present) whose listed keys have the listed types; `rest` types every other key. */
function object(shape: Shape, rest?: Check): Check {
  return (raw, path) => {
    if (!isJsonObject(raw)) return issue(path, 'an object', raw)
    for (const key of Object.keys(raw)) {
      // hasOwn: a key such as "constructor" must not find Object.prototype's members.
      const check = Object.hasOwn(shape, key) ? shape[key] : rest
      if (!check) continue
      const value = asJson(raw[key])
      if (value === ABSENT) continue
      const found = check(value, path ? `${path}.${key}` : key)
      if (found) return found
    }
    return undefined
  }
}

const contextBase = object({
  active: boolean,
  ip: string,
  locale: string,
  userAgent: string,
  channel: oneOf('browser', 'server', 'mobile'),
})
const contextNonMobile = object({
  campaign: object({}, string),
  page: object({ title: string, name: string, path: string, referrer: string, search: string, url: string, keywords: strings }),
})
const contextMobile = object({
  app: object({ version: string, name: string, build: string, namespace: string }),
  device: object({
    version: string,
    id: string,
    advertisingId: string,
    manufacturer: string,
    model: string,
    name: string,
    type: oneOf('android', 'ios'),
  }),
  network: object({ bluetooth: boolean, cellular: boolean, wifi: boolean, carrier: string }),
  os: object({ version: string, name: string }),
})

/** The schema's context is the base plus either the non-mobile or the mobile variant (anyOf). */
export const checkContext: Check = (value, path) =>
  contextBase(value, path) ?? (contextMobile(value, path) && contextNonMobile(value, path))

/**
 * `timestamp` is not here: the schema already checked a given one, and a generated one is
 * `now().toISOString()`. `integrations` is typed here rather than by a valibot record schema,
 * which would add its code to every edge bundle (issue #5).
 */
const common: Shape = {
  context: checkContext,
  integrations: object({}, boolean),
  sentAt: dateTime,
  originalTimestamp: dateTime,
  receivedAt: dateTime,
  version: number,
}

/** `object({})` without walking keys no check applies to. */
const anyObject: Check = (value, path) => (isJsonObject(value) ? undefined : issue(path, 'an object', value))

const messages: Record<MessageType, Check> = {
  identify: object({ ...common, traits: object({ email: string, createdAt: dateTime }) }),
  track: object({ ...common, properties: anyObject }),
  page: object({
    ...common,
    properties: object({ title: string, category: string, url: string, referrer: string, path: string, search: string }),
  }),
  screen: object({ ...common, properties: anyObject }),
  group: object({
    ...common,
    objectTypeId: digits,
    traits: object({ object_type_id: string, objectTypeId: digits, relationshipAttributes: object({}) }),
  }),
  alias: object(common),
}

/**
 * The first typed field of `message` that the API's schema would reject, if any. An own
 * `toJSON` on the message would replace it wholesale when serialized, so it is refused too.
 * A value that throws when read is left for serialization to report.
 */
export function checkTypedFields(type: MessageType, message: Record<string, unknown>): TypedFieldIssue | undefined {
  if (Object.hasOwn(message, 'toJSON')) return issue('toJSON', 'absent (it would replace the message when serialized)', message.toJSON)
  try {
    return messages[type](message, '')
  } catch {
    return undefined
  }
}
