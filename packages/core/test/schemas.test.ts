import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { parseFast, schemas } from '../src/messages/schemas.js'
import type { MessageType } from '../src/types.js'

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
]

describe('parseFast: the same output as valibot, or leaves the input to valibot', () => {
  it.each(inputs)('%s %o', (type, input) => {
    const parsed = v.safeParse(schemas[type], input)
    const out: Record<string, unknown> = {}
    const passed = parseFast(schemas[type], input, out)
    expect(passed).toBe(parsed.success)
    if (!passed) return
    // Same keys in the same order (it decides the JSON on the wire), same values.
    expect(Object.keys(out)).toEqual(Object.keys(parsed.output))
    expect(out).toStrictEqual(parsed.output)
  })
})
