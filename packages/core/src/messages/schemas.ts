/**
 * The rules of the six calls' input (pipelines-api.md §6 and §9), one per top-level field: a
 * predicate and the words that complete `"field" must be ...`. They check the top level only:
 * properties and traits may hold any JSON, which serialize.ts checks in one pass, and the typed
 * nested fields are typed-fields.ts's. Checked by the small loops below, not by valibot: the rules
 * were already predicates, and valibot's parser was about 1,050 B gzip of every edge bundle for
 * naming the first broken one (issue 20 asked for better errors within the same budget).
 * test/schemas.test.ts holds them to valibot: the same output, and the same first issue.
 */
import { isPlainObject, UNSAFE_KEYS } from '../merge.js'
import { isTimestampInput } from '../timestamp.js'
import type { MessageType } from '../types.js'
import { mustBe } from './describe.js'

/** One field's rule. */
export interface Rule {
  check: (value: unknown) => boolean
  /** Completes `"field" must be ...`. */
  expected: string
  /** Absent or `undefined` is fine. */
  optional?: boolean
}

/** A call's rules, in the order its fields are checked and copied to the message. */
export type CallRules = Record<string, Rule>

/** A string with at least one character. */
export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== ''

const rule = (check: (value: unknown) => boolean, expected: string, optional?: boolean): Rule => ({ check, expected, optional })
const optional = (required: Rule): Rule => ({ ...required, optional: true })

const text = rule((value) => typeof value === 'string', 'a string')
/** A name or id the API needs to mean something: an empty one is refused, as the Go library does (issue 20). */
const name = rule(isNonEmptyString, 'a non-empty string')
const object = rule(isPlainObject, 'a plain object')
const optionalText = optional(text)
const optionalName = optional(name)
const optionalObject = optional(object)

const common = {
  messageId: optionalName,
  timestamp: rule(isTimestampInput, 'a valid Date or an RFC 3339 string with a zone', true),
  context: optionalObject,
  // Any non-null object, as before; typed-fields.ts checks each value (as merged) is a boolean.
  integrations: rule((value) => typeof value === 'object' && value !== null, 'an object of booleans', true),
}

const person = { userId: optionalText, anonymousId: optionalText }

export const schemas: Record<MessageType, CallRules> = {
  identify: { ...common, ...person, traits: optionalObject },
  track: { ...common, ...person, groupId: optionalName, event: name, properties: optionalObject },
  page: { ...common, ...person, name: optionalName, category: optionalText, properties: optionalObject },
  screen: { ...common, ...person, name: optionalName, category: optionalText, properties: optionalObject },
  group: { ...common, ...person, groupId: name, objectTypeId: optionalText, traits: optionalObject },
  alias: { ...common, previousId: name, userId: name },
}

/**
 * Copies a call that keeps its rules into `out`: the rules' fields in their order, then the
 * caller's other own keys but the unsafe ones (as valibot's looseObject output; the order decides
 * the JSON on the wire). No copy of the rules per call: a burst of calls spends its time here
 * (issue 8). False as soon as a rule is broken; {@link firstBroken} then names it.
 */
export function parseFast(rules: CallRules, input: Record<string, unknown>, out: Record<string, unknown>): boolean {
  for (const key in rules) {
    const rule = rules[key]!
    if (!(key in input)) {
      if (rule.optional) continue
      return false
    }
    const value = input[key]
    if (!(rule.optional && value === undefined) && !rule.check(value)) return false
    out[key] = value
  }
  for (const key in input) if (Object.hasOwn(input, key) && !Object.hasOwn(rules, key) && !UNSAFE_KEYS.has(key)) out[key] = input[key]
  return true
}

/** The first rule `input` breaks, in the rules' order: its field, and the sentence that says how. */
export function firstBroken(rules: CallRules, input: Record<string, unknown>): { field: string; text: string } | undefined {
  for (const field in rules) {
    const rule = rules[field]!
    const value = field in input ? input[field] : undefined
    if (value === undefined) {
      if (rule.optional) continue
      return { field, text: `"${field}" is required` }
    }
    if (!rule.check(value)) return { field, text: value === '' ? `"${field}" must not be empty` : mustBe(field, rule.expected, value) }
  }
  return undefined
}
