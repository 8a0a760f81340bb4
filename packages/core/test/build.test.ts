import { describe, expect, it, vi } from 'vitest'
import { ValidationError } from '../src/errors.js'
import { buildMessage } from '../src/messages/build.js'
import { isoClock } from '../src/timestamp.js'
import type { Message, MessageType } from '../src/types.js'
import { buildSettings } from './helpers/build-settings.js'
import { expectValidBody } from './helpers/spec.js'

const settings = buildSettings

const valid: [MessageType, Record<string, unknown>][] = [
  ['identify', { userId: '019mr8mf4r', traits: { name: 'Cool Person', email: 'cool.person@example.com', plan: 'Enterprise' } }],
  ['identify', { anonymousId: 'anon-1' }],
  ['identify', { userId: '', traits: { email: 'no-id@example.com' } }],
  ['track', { userId: 'f4ca124298', event: 'added_to_cart', properties: { product: 'shoes', price: 39.95 } }],
  ['track', { groupId: 'acct-9', event: 'Plan Upgraded' }],
  ['track', { anonymousId: 'a', event: 'x', timestamp: new Date('2021-07-14T19:10:25.000Z') }],
  ['track', { userId: 'u', event: 'x', timestamp: '2021-07-14T21:10:25+02:00' }],
  ['page', { userId: 'u', name: 'Customer.io CDP', category: 'Docs', properties: { url: 'https://customer.io/cdp/' } }],
  ['screen', { anonymousId: 'a', name: 'feed' }],
  ['group', { userId: 'u', groupId: '56', objectTypeId: '1', traits: { name: 'ACME' } }],
  ['alias', { previousId: 'old', userId: 'new' }],
]

describe('buildMessage: valid calls', () => {
  it.each(valid)('%s %j validates against the API schema', (type, params) => {
    const message = buildMessage(type, params, settings) as Message
    expect(message).not.toBeInstanceOf(Error)
    expect(message).toMatchObject({ type, messageId: 'id-1', context: { library: { name: 'test-lib', version: '1.2.3' } } })
    expectValidBody({ batch: [JSON.parse(JSON.stringify(message))] })
  })

  it('fills in messageId and timestamp unless given', () => {
    expect(buildMessage('track', { userId: 'u', event: 'e' }, settings)).toMatchObject({
      messageId: 'id-1',
      timestamp: '2026-12-01T10:00:00.000Z',
    })
    const given = buildMessage('track', { userId: 'u', event: 'e', messageId: 'mine', timestamp: new Date(0) }, settings)
    expect(given).toMatchObject({ messageId: 'mine', timestamp: '1970-01-01T00:00:00.000Z' })
  })

  it.each([
    [
      { objectTypeId: '2', traits: { name: 'ACME' } },
      { objectTypeId: '2', traits: { name: 'ACME', objectTypeId: '2' } },
    ],
    // The top-level id wins over one in traits: it is the documented, typed place.
    [
      { objectTypeId: '3', traits: { objectTypeId: '1' } },
      { objectTypeId: '3', traits: { objectTypeId: '3' } },
    ],
    [{ objectTypeId: '4' }, { objectTypeId: '4', traits: { objectTypeId: '4' } }],
    [{ traits: { objectTypeId: '5' } }, { traits: { objectTypeId: '5' } }],
  ])("group %j sends the object type where both Customer.io's docs and the API reference read it", (params, sent) => {
    const traits = 'traits' in params ? { ...params.traits } : undefined
    const message = buildMessage('group', { userId: 'u', groupId: 'g', ...params }, settings)
    expect(message).toMatchObject(sent)
    expect('traits' in params ? params.traits : undefined).toEqual(traits) // the caller's object is not changed
    expectValidBody({ batch: [JSON.parse(JSON.stringify(message))] })
  })

  it('merges defaultContext and integrations under the call (the call wins), library always ours', () => {
    const merged = buildMessage(
      'track',
      {
        userId: 'u',
        event: 'e',
        context: { ip: '1.2.3.4', app: { version: '2' }, library: { name: 'spoof' } },
        integrations: { Salesforce: true },
      },
      {
        ...settings,
        defaultContext: { ip: '0.0.0.0', locale: 'en-US', app: { name: 'Acme', version: '1' } },
        integrations: { All: true, Salesforce: false },
      },
    )
    expect(merged).toMatchObject({
      context: { ip: '1.2.3.4', locale: 'en-US', app: { name: 'Acme', version: '2' }, library: settings.library },
      integrations: { All: true, Salesforce: true },
    })
  })

  it('does not mutate the caller’s objects', () => {
    const params = { userId: 'u', event: 'e', context: { ip: '1' } }
    buildMessage('track', params, { ...settings, defaultContext: { locale: 'x' } })
    expect(params).toEqual({ userId: 'u', event: 'e', context: { ip: '1' } })
  })
})

describe('buildMessage: invalid calls name the call and the field', () => {
  it.each([
    ['track', { userId: 'u' }, 'track: "event" is required', 'event'],
    ['track', { userId: 'u', event: 42 }, 'track: "event" must be a non-empty string (got number)', 'event'],
    ['track', { event: 'e' }, 'track: "userId", "anonymousId" or "groupId" is required', 'userId'],
    ['track', { userId: '', event: 'e' }, 'track: "userId" must not be empty', 'userId'],
    ['identify', {}, 'identify: "userId" or "anonymousId" is required', 'userId'],
    ['identify', { userId: '' }, 'identify: "userId" must not be empty', 'userId'],
    ['identify', { userId: 42 }, 'identify: "userId" must be a string (got number)', 'userId'],
    ['identify', { userId: 'u', traits: [1] }, 'identify: "traits" must be a plain object (got array)', 'traits'],
    ['page', { userId: 'u', properties: 'x' }, 'page: "properties" must be a plain object (got "x")', 'properties'],
    ['screen', { anonymousId: null }, 'screen: "anonymousId" must be a string (got null)', 'anonymousId'],
    ['group', { userId: 'u' }, 'group: "groupId" is required', 'groupId'],
    ['group', { userId: 'u', groupId: '' }, 'group: "groupId" must not be empty', 'groupId'],
    ['group', { groupId: 'g' }, 'group: "userId" or "anonymousId" is required', 'userId'],
    ['alias', { userId: 'u' }, 'alias: "previousId" is required', 'previousId'],
    ['alias', { previousId: 'p' }, 'alias: "userId" is required', 'userId'],
    [
      'track',
      { userId: 'u', event: 'e', timestamp: 1626289825000 },
      'track: "timestamp" must be a valid Date or an RFC 3339 string with a zone (got number)',
      'timestamp',
    ],
    [
      'track',
      { userId: 'u', event: 'e', timestamp: '14/07/2021 19:10' },
      'track: "timestamp" must be a valid Date or an RFC 3339 string with a zone (got "14/07/2021 19:10")',
      'timestamp',
    ],
    [
      'track',
      { userId: 'u', event: 'e', timestamp: '2021-07-14T19:10:25' },
      'track: "timestamp" must be a valid Date or an RFC 3339 string with a zone (got "2021-07-14T19:10:25")',
      'timestamp',
    ],
    [
      'track',
      { userId: 'u', event: 'e', timestamp: new Date(Number.NaN) },
      'track: "timestamp" must be a valid Date or an RFC 3339 string with a zone (got invalid Date)',
      'timestamp',
    ],
    [
      'track',
      { userId: 'u', event: 'e', integrations: { Salesforce: 'off' } },
      'track: "integrations.Salesforce" must be a boolean (got "off")',
      'integrations.Salesforce',
    ],
    ['track', { userId: 'u', event: 'e', context: [] }, 'track: "context" must be a plain object (got array)', 'context'],
    ['track', { userId: 'u', event: 'e', messageId: '' }, 'track: "messageId" must not be empty', 'messageId'],
    ['track', { userId: 'u', event: 'e', messageId: 7 }, 'track: "messageId" must be a non-empty string (got number)', 'messageId'],
    [
      'track',
      { userId: 'u', event: 'e', integrations: 'all' },
      'track: "integrations" must be an object of booleans (got "all")',
      'integrations',
    ],
    ['track', null, 'track: expected an object of fields (got null)', ''],
    ['track', 'added_to_cart', 'track: expected an object of fields (got "added_to_cart")', ''],
  ] as [MessageType, unknown, string, string][])('%s %j', (type, params, message, field) => {
    const error = buildMessage(type, params, settings)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).message).toBe(message)
    expect((error as ValidationError).field).toBe(field)
    expect((error as ValidationError).reason).toBe('invalid')
  })
})

describe('isoClock: the default timestamp', () => {
  it('is new Date().toISOString(), following Date.now() (fake clocks included)', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00.000Z') })
    try {
      const clock = isoClock()
      expect(clock()).toBe('2026-12-01T10:00:00.000Z')
      expect(clock()).toBe('2026-12-01T10:00:00.000Z')
      vi.advanceTimersByTime(1)
      expect(clock()).toBe('2026-12-01T10:00:00.001Z')
      vi.setSystemTime(new Date('2027-01-01T00:00:00.000Z'))
      expect(clock()).toBe(new Date().toISOString())
    } finally {
      vi.useRealTimers()
    }
  })
})
