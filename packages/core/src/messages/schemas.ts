/**
 * valibot schemas of the six calls' input (pipelines-api.md §6 and §9). They check the top
 * level only: properties and traits may hold any JSON, which serialize.ts checks in one pass.
 * Each `message` string completes the sentence `"field" must be ...`. Checks are `v.custom`
 * over small predicates where valibot's own schema would add code to every edge bundle
 * (issue #5): `integrations` values are typed with the nested fields in typed-fields.ts.
 */
import * as v from 'valibot'
import { isPlainObject, UNSAFE_KEYS } from '../merge.js'
import { isTimestampInput } from '../timestamp.js'
import type { MessageType } from '../types.js'

/** A string with at least one character. */
export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

const text = v.custom<string>((value) => typeof value === 'string', 'a string')
/** A name or id the API needs to mean something: an empty one is refused, as the Go library does (issue 20). */
const name = v.custom<string>(isNonEmptyString, 'a non-empty string')
const object = v.custom<Record<string, unknown>>(isPlainObject, 'a plain object')
const optionalText = v.optional(text)
const optionalName = v.optional(name)
const optionalObject = v.optional(object)

const common = {
  messageId: optionalName,
  timestamp: v.optional(v.custom<Date | string>(isTimestampInput, 'a valid Date or an RFC 3339 string with a zone')),
  context: optionalObject,
  // Any non-null object, as before; typed-fields.ts checks each value (as merged) is a boolean.
  integrations: v.optional(
    v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null, 'an object of booleans'),
  ),
}

const person = { userId: optionalText, anonymousId: optionalText }

export const schemas = {
  identify: v.looseObject({ ...common, ...person, traits: optionalObject }),
  track: v.looseObject({ ...common, ...person, groupId: optionalName, event: name, properties: optionalObject }),
  page: v.looseObject({ ...common, ...person, name: optionalName, category: optionalText, properties: optionalObject }),
  screen: v.looseObject({ ...common, ...person, name: optionalName, category: optionalText, properties: optionalObject }),
  group: v.looseObject({ ...common, ...person, groupId: name, objectTypeId: optionalText, traits: optionalObject }),
  alias: v.looseObject({ ...common, previousId: name, userId: name }),
} satisfies Record<MessageType, v.GenericSchema>

/** An entry of the schemas above: `v.custom(check)`, or `v.optional` of one. */
type Entry = { type: string; wrapped?: Entry; check?: (value: unknown) => boolean }

/**
 * Copies a call that passes its schema into `out` as `v.safeParse(schema, input).output` would
 * hold it (the schema's keys in its order, then the caller's other own keys but the unsafe ones),
 * without valibot's per-key datasets: a burst of calls spends its time here (issue 8). False as
 * soon as a check fails; the caller then lets valibot parse the input, so every error is still
 * valibot's issue (test/schemas.test.ts holds the two to the same output).
 */
export function parseFast(
  schema: { entries: Record<string, unknown> },
  input: Record<string, unknown>,
  out: Record<string, unknown>,
): boolean {
  const { entries } = schema
  for (const key in entries) {
    const entry = entries[key] as Entry
    const optional = entry.type === 'optional'
    if (!(key in input)) {
      if (optional) continue
      return false
    }
    const value = input[key]
    if (!(optional && value === undefined) && !(optional ? entry.wrapped! : entry).check!(value)) return false
    out[key] = value
  }
  for (const key in input) if (Object.hasOwn(input, key) && !Object.hasOwn(entries, key) && !UNSAFE_KEYS.has(key)) out[key] = input[key]
  return true
}
