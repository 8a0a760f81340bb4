// The spec-typed nested fields (messages/typed-fields.ts), found by the fuzz suite: one wrong value
// there made the API's schema reject a whole batch; now it fails its own message with a clear error.
import { describe, expect, it } from 'vitest'
import { ConfigError, ValidationError } from '../src/errors.js'
import { buildMessage } from '../src/messages/build.js'
import { resolveOptions } from '../src/options.js'
import { isTimestampInput } from '../src/timestamp.js'
import type { MessageType } from '../src/types.js'
import { buildSettings } from './helpers/build-settings.js'
import { expectValidBody } from './helpers/spec.js'

const settings = buildSettings

describe('typed nested fields: rejected per message, naming the field', () => {
  it.each([
    ['identify', { userId: 'u', traits: { email: 42 } }, 'identify: "traits.email" must be a string (got number)'],
    [
      'identify',
      { userId: 'u', traits: { createdAt: 1700000000 } },
      'identify: "traits.createdAt" must be an RFC 3339 date-time with a zone, or a Date in years 0–9999 (got number)',
    ],
    [
      'identify',
      { userId: 'u', traits: { createdAt: '2021-02-30T00:00:00Z' } },
      'identify: "traits.createdAt" must be an RFC 3339 date-time with a zone, or a Date in years 0–9999 (got "2021-02-30T00:00:00Z")',
    ],
    ['track', { userId: 'u', event: 'e', context: { ip: 127001 } }, 'track: "context.ip" must be a string (got number)'],
    [
      'track',
      { userId: 'u', event: 'e', context: { channel: 'tv' } },
      'track: "context.channel" must be one of "browser", "server", "mobile" (got "tv")',
    ],
    [
      'track',
      { userId: 'u', event: 'e', context: { page: { title: 5 }, app: { build: 7 } } },
      'track: "context.page.title" must be a string (got number)',
    ],
    [
      'track',
      { userId: 'u', event: 'e', context: { campaign: { source: 'x', extra: 1 }, device: { type: 'pc' } } },
      'track: "context.campaign.extra" must be a string (got number)',
    ],
    ['page', { userId: 'u', properties: { url: ['https://x'] } }, 'page: "properties.url" must be a string (got array)'],
    ['group', { userId: 'u', groupId: 'g', traits: { object_type_id: 1 } }, 'group: "traits.object_type_id" must be a string (got number)'],
    [
      'group',
      { userId: 'u', groupId: 'g', objectTypeId: 'companies' },
      'group: "objectTypeId" must be a string of digits such as "1" (got "companies")',
    ],
    [
      'group',
      { userId: 'u', groupId: 'g', traits: { objectTypeId: '' } },
      'group: "traits.objectTypeId" must be a string of digits such as "1" (got "")',
    ],
    [
      'group',
      { userId: 'u', groupId: 'g', traits: { relationshipAttributes: 'owner' } },
      'group: "traits.relationshipAttributes" must be an object (got "owner")',
    ],
    [
      'alias',
      { previousId: 'a', userId: 'b', sentAt: 'yesterday' },
      'alias: "sentAt" must be an RFC 3339 date-time with a zone, or a Date in years 0–9999 (got "yesterday")',
    ],
    ['screen', { userId: 'u', version: Number.NaN }, 'screen: "version" must be a finite number (got NaN)'],
    [
      'track',
      { userId: 'u', event: 'e', toJSON: () => 'x' },
      'track: "toJSON" must be absent (it would replace the message when serialized) (got function)',
    ],
    [
      'track',
      { userId: 'u', event: 'e', timestamp: new Date(Date.UTC(10000, 0, 1)) },
      'track: "timestamp" must be a valid Date or an RFC 3339 string with a zone (got Date)',
    ],
  ] as [MessageType, Record<string, unknown>, string][])('%s %j', (type, params, message) => {
    const built = buildMessage(type, params, settings)
    expect(built).toBeInstanceOf(ValidationError)
    expect((built as ValidationError).message).toBe(message)
  })

  it.each([
    ['identify', { userId: 'u', traits: { email: 'a@b.c', createdAt: new Date('2020-01-01T00:00:00Z') } }],
    ['identify', { userId: 'u', traits: { email: undefined, createdAt: '2020-02-29T00:00:00+01:00' } }],
    ['track', { userId: 'u', event: 'e', context: { page: { title: 5 } } }], // valid as the mobile variant
    ['track', { userId: 'u', event: 'e', context: { campaign: 'x', ip: new String('1.2.3.4') } }], // also the mobile variant
    ['track', { userId: 'u', event: 'e', context: { page: { keywords: ['a', 'b'] }, network: { wifi: true } } }],
    ['page', { userId: 'u', properties: { url: 'https://x', price: 5 } }],
    ['group', { userId: 'u', groupId: 'g', objectTypeId: '2', traits: { name: 'ACME', relationshipAttributes: { role: 'admin' } } }],
  ] as [MessageType, Record<string, unknown>][])('accepts %s %j', (type, params) => {
    const built = buildMessage(type, params, settings)
    expect(built).not.toBeInstanceOf(ValidationError)
    expectValidBody({ batch: [JSON.parse(JSON.stringify(built))] })
  })

  it('a throwing getter in the input is a ValidationError, not a throw', () => {
    const params = Object.defineProperty({ event: 'e' }, 'userId', {
      enumerable: true,
      get: () => {
        throw new Error('nope\nsecond line')
      },
    })
    const built = buildMessage('track', params, settings)
    expect(built).toMatchObject({ name: 'ValidationError', message: 'track: the input could not be read (nope second line)' })
  })

  it('Dates outside years 0–9999 are not timestamps (toISOString would write "+010000-…")', () => {
    expect(isTimestampInput(new Date(Date.UTC(9999, 11, 31)))).toBe(true)
    expect(isTimestampInput(new Date(Date.UTC(10000, 0, 1)))).toBe(false)
    expect(isTimestampInput(new Date(-62198755200000))).toBe(false) // year -1
  })
})

describe('options that would break every message are ConfigErrors', () => {
  it.each([
    ['defaultContext with a mistyped field', { writeKey: 'k', defaultContext: { ip: 1 } }, /"defaultContext.ip" must be a string/],
    ['defaultContext with a BigInt', { writeKey: 'k', defaultContext: { n: 1n } }, /defaultContext cannot be serialized/],
    ['defaultContext over 32,000 bytes', { writeKey: 'k', defaultContext: { big: 'x'.repeat(32_000) } }, /no message carrying it fits/],
    ['defaultContext whose toJSON is not an object', { writeKey: 'k', defaultContext: { toJSON: () => 'x' } }, /must be an object/],
    [
      'integrations that are not booleans',
      { writeKey: 'k', integrations: { Salesforce: 'off' } },
      /integrations\."Salesforce" must be a boolean/,
    ],
    [
      'a throwing getter',
      {
        writeKey: 'k',
        get flushAt() {
          throw new Error('boom')
        },
      },
      /options could not be read \(boom\)/,
    ],
  ])('%s', (_name, options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(ConfigError)
    expect(() => resolveOptions(options as never)).toThrow(message)
  })
})
