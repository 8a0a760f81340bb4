// The mistakes people make when calling the client (issue 20): each is the call's own `invalid`
// outcome, naming the real mistake; nothing is sent and nothing throws at the caller.
import { describe, expect, it } from 'vitest'
import {
  addDevice,
  deleteDevice,
  deleteObject,
  deletePerson,
  deleteRelationship,
  reportDelivery,
  suppressPerson,
  unsuppressPerson,
} from '../src/customerio/semantic-events.js'
import type { AnalyticsError } from '../src/errors.js'
import type { MemoryTransport } from '../src/memory-transport.js'
import type { MessageType } from '../src/types.js'
import { makeClient } from './helpers/client.js'

const valid: Record<MessageType, Record<string, unknown>> = {
  identify: { userId: 'u1' },
  track: { userId: 'u1', event: 'Signed Up' },
  page: { userId: 'u1', name: 'Home' },
  screen: { userId: 'u1', name: 'Home' },
  group: { userId: 'u1', groupId: 'g1' },
  alias: { previousId: 'a1', userId: 'u1' },
}

/** Makes one call with a `failed` listener and a logger that records; resolves with what was seen. */
async function seen(call: (client: ReturnType<typeof makeClient>['client']) => void) {
  const logged: string[] = []
  const record = (...parts: unknown[]) => void logged.push(parts.map(String).join(' '))
  const { client, transport } = makeClient({ logger: { debug: record, info: record, warn: record, error: record } })
  const failed: AnalyticsError[] = []
  client.on('failed', ({ error }) => void failed.push(error))
  call(client)
  await client.close()
  return { failed, logged, sent: (transport as MemoryTransport).messages }
}

describe("a callback that is no function (Segment's track('Signed Up', { plan }) form)", () => {
  const calls = Object.keys(valid) as MessageType[]
  it.each(calls)('%s("Signed Up", { plan }) reports both mistakes as its invalid outcome', async (type) => {
    const { failed, logged, sent } = await seen((client) => (client[type] as (...args: unknown[]) => void)('Signed Up', { plan: 'pro' }))
    expect(failed.map((error) => [error.reason, error.message])).toEqual([
      [
        'invalid',
        `${type}: expected an object of fields (got "Signed Up"), and the second argument must be a callback function (got object)`,
      ],
    ])
    expect(sent).toEqual([])
    expect(logged.join('\n')).not.toMatch(/callback threw|is not a function/)
  })

  it.each(calls)('%s(valid fields, "not a function") reports the callback alone, and sends nothing', async (type) => {
    const { failed, logged, sent } = await seen((client) => (client[type] as (...args: unknown[]) => void)(valid[type], 'oops'))
    expect(failed.map((error) => error.message)).toEqual([`${type}: the second argument must be a callback function (got "oops")`])
    expect(sent).toEqual([])
    expect(logged.join('\n')).not.toMatch(/callback threw/)
  })

  const semantic: [string, (...args: unknown[]) => void, object][] = [
    ['deletePerson', deletePerson as never, { userId: 'u1' }],
    ['suppressPerson', suppressPerson as never, { userId: 'u1' }],
    ['unsuppressPerson', unsuppressPerson as never, { userId: 'u1' }],
    ['addDevice', addDevice as never, { userId: 'u1', token: 't' }],
    ['deleteDevice', deleteDevice as never, { userId: 'u1', token: 't' }],
    ['deleteRelationship', deleteRelationship as never, { userId: 'u1', objectId: 'o1', objectTypeId: '1' }],
    ['deleteObject', deleteObject as never, { objectId: 'o1', objectTypeId: '1' }],
    ['reportDelivery', reportDelivery as never, { deliveryId: 'd1', metric: 'opened' }],
  ]
  it.each(semantic)(
    '%s(analytics, fields, { not: "a function" }) reports it as the helper\'s invalid outcome',
    async (name, helper, params) => {
      const { failed, logged, sent } = await seen((client) => helper(client, params, { not: 'a function' }))
      expect(failed.map((error) => [error.reason, error.message])).toEqual([
        ['invalid', `${name}: the third argument must be a callback function (got object)`],
      ])
      expect(sent).toEqual([])
      expect(logged.join('\n')).not.toMatch(/callback threw/)
    },
  )
})

describe('required strings that are empty (issue 20): refused as the Go library refuses them', () => {
  it.each([
    ['track', { userId: 'u1', event: '' }, 'track: "event" must not be empty'],
    ['track', { userId: 'u1', event: 'e', groupId: '' }, 'track: "groupId" must not be empty'],
    ['track', { userId: '', anonymousId: 'a1', event: 'e' }, 'track: "userId" must not be empty'],
    ['screen', { userId: 'u1', name: '' }, 'screen: "name" must not be empty'],
    ['page', { userId: 'u1', name: '' }, 'page: "name" must not be empty'],
    ['group', { userId: 'u1', groupId: '' }, 'group: "groupId" must not be empty'],
    ['alias', { previousId: '', userId: 'u1' }, 'alias: "previousId" must not be empty'],
    ['alias', { previousId: 'a1', userId: '' }, 'alias: "userId" must not be empty'],
    ['identify', { userId: '', anonymousId: 'a1' }, 'identify: "userId" must not be empty'],
  ] as [MessageType, Record<string, unknown>, string][])('%s(%j) -> %s', async (type, params, text) => {
    const { failed, sent } = await seen((client) => (client[type] as (params: unknown) => void)(params))
    expect(failed.map((error) => [error.reason, error.message])).toEqual([['invalid', text]])
    expect(sent).toEqual([])
  })

  it('identify with an empty userId and traits.email is still sent (the API reads the person from the email)', async () => {
    const { failed, sent } = await seen((client) => client.identify({ userId: '', traits: { email: 'a@example.com' } }))
    expect(failed).toEqual([])
    expect(sent).toHaveLength(1)
  })
})
