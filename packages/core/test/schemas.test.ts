// The calls' rules are checked by the core's own loops (messages/schemas.ts); valibot, which
// checked them before, is the reference here: the same rules as valibot schemas must give the
// same output (keys in the same order: it decides the JSON on the wire) and the same first issue.
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { mustBe } from '../src/messages/describe.js'
import { type CallRules, firstBroken, parseFast, schemas } from '../src/messages/schemas.js'
import type { MessageType } from '../src/types.js'

/** The rules as the valibot schema they were written as before (v.custom per field, in a looseObject). */
function asValibot(rules: CallRules) {
  const entries = Object.fromEntries(
    Object.entries(rules).map(([key, rule]) => {
      const custom = v.custom<unknown>(rule.check, rule.expected)
      return [key, rule.optional ? v.optional(custom) : custom]
    }),
  )
  return v.looseObject(entries)
}

/** What the client said of valibot's first issue (messages/build.ts before). */
function valibotSays(issue: v.BaseIssue<unknown>): { field: string; text: string } {
  const key = issue.path?.[0]?.key
  const field = typeof key === 'string' ? key : ''
  if (issue.input === undefined && issue.kind === 'schema' && field !== '') return { field, text: `"${field}" is required` }
  if (issue.input === '') return { field, text: `"${field}" must not be empty` }
  return { field, text: mustBe(field, issue.message, issue.input) }
}

const withOwnUnsafeKeys = JSON.parse('{"userId":"u","event":"e","__proto__":{"x":1},"constructor":"c","prototype":"p","extra":1}')
const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { event: 'e', userId: 'u', z: 1 })

const inputs: [MessageType, Record<string, unknown>][] = [
  ['track', { userId: 'u', event: 'e' }],
  ['track', { zeta: 1, event: 'e', properties: { a: 1 }, userId: 'u', alpha: [1] }],
  ['track', { userId: undefined, anonymousId: 'a', event: 'e', context: undefined }],
  ['track', { type: 'identify', userId: 'u', event: 'e' }],
  ['track', { userId: 'u', event: 'e', timestamp: new Date(0), messageId: 'm', integrations: { All: true } }],
  ['track', withOwnUnsafeKeys],
  ['track', nullProto],
  ['track', { userId: 'u' }],
  ['track', { userId: 'u', event: undefined }],
  ['track', { userId: 1, event: 2 }],
  ['track', { userId: 'u', event: 'e', properties: [] }],
  ['track', { userId: 'u', event: 'e', messageId: '' }],
  ['track', { userId: 'u', event: 'e', timestamp: '2021-07-14T19:10:25' }],
  ['identify', { userId: 'u', traits: { email: 'a@b.c' }, extra: null }],
  ['identify', { anonymousId: 'a', traits: 'no' }],
  ['page', { userId: 'u', name: 'n', category: 'c', properties: { url: 'x' } }],
  ['page', { userId: 'u', name: 3 }],
  ['screen', { anonymousId: 'a', name: 'feed' }],
  ['group', { userId: 'u', groupId: 'g', objectTypeId: '1' }],
  ['group', { userId: 'u' }],
  ['alias', { previousId: 'p', userId: 'u' }],
  ['alias', { userId: 'u' }],
  ['alias', { previousId: '', userId: 'u' }],
  ['track', { userId: 'u', event: '' }],
  ['track', { userId: 'u', event: 'e', groupId: '' }],
  ['track', { userId: 'u', event: 'e', context: [1] }],
  ['track', { userId: 'u', event: 'e', integrations: null }],
  ['screen', { userId: 'u', name: '' }],
  ['group', { userId: 'u', groupId: '' }],
  ['identify', { userId: 'u', timestamp: new Date(Number.NaN) }],
]

describe('the rules give what valibot gives', () => {
  it.each(inputs)('%s %o', (type, input) => {
    const parsed = v.safeParse(asValibot(schemas[type]), input)
    const out: Record<string, unknown> = {}
    const passed = parseFast(schemas[type], input, out)
    expect(passed).toBe(parsed.success)
    if (parsed.success) {
      expect(Object.keys(out)).toEqual(Object.keys(parsed.output))
      expect(out).toStrictEqual(parsed.output)
      expect(firstBroken(schemas[type], input)).toBeUndefined()
    } else {
      expect(firstBroken(schemas[type], input)).toEqual(valibotSays(parsed.issues[0]))
    }
  })
})
