// Customer.io's semantic helpers refuse bad input as the call's one outcome, naming the field
// (nothing is sent), and Journeys' limits are found by a pure function, tested as a table.
import { describe, expect, it } from 'vitest'
import { findLimitIssues, shownName } from '../src/customerio/journeys-limits.js'
import {
  addDevice,
  deleteDevice,
  deleteObject,
  deletePerson,
  deleteRelationship,
  reportDelivery,
} from '../src/customerio/semantic-events.js'
import { ValidationError } from '../src/errors.js'
import type { Message } from '../src/types.js'
import { makeClient, outcomes } from './helpers/client.js'

const helpers = { deletePerson, addDevice, deleteDevice, deleteRelationship, deleteObject, reportDelivery }
type HelperName = keyof typeof helpers

const refused: [HelperName, unknown, string][] = [
  ['deletePerson', {}, 'deletePerson: "userId" must be a non-empty string (got undefined)'],
  ['deletePerson', { userId: '' }, 'deletePerson: "userId" must be a non-empty string (got "")'],
  ['deletePerson', 'u1', 'deletePerson: expected an object of fields'],
  ['addDevice', { userId: 'u1' }, 'addDevice: "token" must be a non-empty string (got undefined)'],
  ['addDevice', { userId: 'u1', token: 't', type: 'web' }, 'addDevice: "type" must be one of "ios", "android" (got "web")'],
  ['addDevice', { userId: 'u1', token: 't', attributes: [1] }, 'addDevice: "attributes" must be a plain object (got array)'],
  ['deleteDevice', { userId: 'u1', token: 5 }, 'deleteDevice: "token" must be a non-empty string (got number)'],
  [
    'deleteRelationship',
    { objectId: 'o' },
    'deleteRelationship: "userId" must be a non-empty string (or give anonymousId) (got undefined)',
  ],
  [
    'deleteRelationship',
    { userId: 'u', objectId: 'o', objectTypeId: 1 },
    'deleteRelationship: "objectTypeId" must be a string of digits such as "1" (got number)',
  ],
  ['deleteObject', { objectTypeId: '1' }, 'deleteObject: "objectId" must be a non-empty string (got undefined)'],
  [
    'deleteObject',
    { objectId: 'o', objectTypeId: 'companies' },
    'deleteObject: "objectTypeId" must be a string of digits such as "1" (got "companies")',
  ],
  [
    'reportDelivery',
    { userId: 'u', deliveryId: 'd', metric: 'bounced' },
    'reportDelivery: "metric" must be one of "delivered", "opened", "clicked", "converted" (got "bounced")',
  ],
  ['reportDelivery', { userId: 'u', metric: 'opened' }, 'reportDelivery: "deliveryId" must be a non-empty string (got undefined)'],
  ['reportDelivery', { userId: 'u', deliveryId: 'd', metric: 'opened', href: 7 }, 'reportDelivery: "href" must be a string (got number)'],
]

describe('semantic helpers refuse bad input', () => {
  it.each(refused)('%s %j', async (name, params, text) => {
    const { client, transport } = makeClient()
    const { results, settled, callback } = outcomes(1)
    const failed: unknown[] = []
    client.on('failed', ({ error }) => failed.push(error))
    ;(helpers[name] as (target: unknown, params: unknown, callback: unknown) => void)(client, params, callback)
    await settled
    await client.flush()
    expect(results[0]?.error).toBeInstanceOf(ValidationError)
    expect(results[0]?.error?.message).toBe(text)
    expect((results[0]?.error as ValidationError | undefined)?.call).toBe(name)
    expect(failed).toHaveLength(1) // the same one outcome as any refused call: event and stats too
    expect(client.stats.failedByReason.invalid).toBe(1)
    expect(transport.requests).toHaveLength(0)
  })

  it('core validation still applies to what the helper builds (a bad context value)', async () => {
    const { client } = makeClient()
    const { results, settled, callback } = outcomes(1)
    helpers.deletePerson(client, { userId: 'u1', context: { channel: 'tv' as 'server' } }, callback)
    await settled
    expect(results[0]?.error?.message).toBe('track: "context.channel" must be one of "browser", "server", "mobile" (got "tv")')
  })

  it('after close() a helper call fails with closed, like any call', async () => {
    const { client } = makeClient()
    await client.close()
    const { results, settled, callback } = outcomes(2)
    helpers.deletePerson(client, { userId: 'u1' }, callback)
    helpers.deletePerson(client, { userId: '' }, callback)
    await settled
    expect(results.map((r) => r.error?.reason)).toEqual(['closed', 'closed'])
  })

  it('something that is not a client is a programming error, thrown at once', () => {
    expect(() => helpers.deletePerson({ track() {} }, { userId: 'u1' })).toThrow(/first argument must be an Analytics client/)
  })
})

const message = (fields: Record<string, unknown>) =>
  ({ messageId: 'm', timestamp: '2026-01-01T00:00:00Z', context: {}, ...fields }) as Message
const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, i]))

describe('findLimitIssues', () => {
  it.each([
    ['a short track', message({ type: 'track', event: 'Signed Up', properties: { note: 'x'.repeat(5000) } }), []],
    ['an event name of 100 bytes', message({ type: 'track', event: 'e'.repeat(100) }), []],
    ['an event name of 101 bytes', message({ type: 'track', event: 'e'.repeat(101) }), ['event_name event']],
    ['an event name of 34 three-byte characters', message({ type: 'track', event: '€'.repeat(34) }), ['event_name event']],
    ['a trait value of 1,000 bytes', message({ type: 'identify', traits: { bio: 'b'.repeat(1000) } }), []],
    ['a trait value of 1,001 bytes', message({ type: 'identify', traits: { bio: 'b'.repeat(1001) } }), ['attribute_value traits.bio']],
    [
      'an object trait over 1,000 bytes of JSON',
      message({ type: 'identify', traits: { tags: Array(300).fill('tag') } }),
      ['attribute_value traits.tags'],
    ],
    [
      'a trait name of 151 bytes',
      message({ type: 'identify', traits: { ['k'.repeat(151)]: 1 } }),
      [`attribute_name traits.${'k'.repeat(151)}`],
    ],
    ['300 traits', message({ type: 'identify', traits: many(300) }), []],
    ['301 traits', message({ type: 'identify', traits: many(301) }), ['attribute_count traits']],
    ['group traits (an object)', message({ type: 'group', traits: { about: 'a'.repeat(1001) } }), ['attribute_value traits.about']],
    [
      'relationship attributes, counted apart from the object',
      message({ type: 'group', traits: { name: 'ACME', relationshipAttributes: { note: 'n'.repeat(1001), ...many(10) } } }),
      ['attribute_value traits.relationshipAttributes.note'],
    ],
    ['track properties are event data, not attributes', message({ type: 'track', event: 'e', properties: { blob: 'p'.repeat(5000) } }), []],
  ] as [string, Message, string[]][])('%s', (_name, built, expected) => {
    expect(findLimitIssues(built).map(({ code, field }) => `${code} ${field}`)).toEqual(expected)
  })

  it('cuts a long field name in the warning text (40 characters and "…"), and keeps it whole in `field`', () => {
    const key = `${'k'.repeat(40)}${'z'.repeat(160)}` // 200 characters
    const built = message({ type: 'identify', traits: { [key]: 'v'.repeat(1001) } })
    const found = findLimitIssues(built)
    expect(found.map(({ code, field }) => `${code} ${field}`)).toEqual([`attribute_name traits.${key}`, `attribute_value traits.${key}`])
    expect(found.map(({ text }) => text)).toEqual([
      `attribute name "${'k'.repeat(40)}…" in "traits" is 200 bytes; Journeys takes at most 150`,
      `"traits.${'k'.repeat(40)}…" is 1001 bytes; Journeys takes attribute values of at most 1000`,
    ])
  })

  it('skips measuring values when the whole message is within the value limit', () => {
    const built = message({ type: 'identify', traits: { bio: 'b'.repeat(1001) } })
    expect(findLimitIssues(built, 900)).toEqual([]) // a caller-given size below the limit: nothing can exceed it
  })
})

describe('shownName', () => {
  it.each([
    ['bio', 'bio'],
    ['n'.repeat(40), 'n'.repeat(40)],
    ['n'.repeat(41), `${'n'.repeat(40)}…`],
    ['é'.repeat(76), `${'é'.repeat(40)}…`], // 152 bytes, over the name limit: cut at 40 characters
  ])('%j → %j', (name, shown) => {
    expect(shownName(name)).toBe(shown)
  })
})
