// Typed tracking plans at run time (issue 9): the plan's valibot schemas check each call; a call
// that breaks the plan fails alone, through its one outcome, with every issue and its path, and is
// never sent, while the valid calls around it are delivered.
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { AnalyticsCore } from '../src/client.js'
import { ConfigError, ValidationError, type AnalyticsError } from '../src/errors.js'
import { MemoryTransport } from '../src/memory-transport.js'
import type { AnalyticsOptions } from '../src/options.js'
import { defineTrackingPlan, type TrackingPlan } from '../src/plan.js'
import type { Message } from '../src/types.js'
import { LIBRARY, expectAllValid, silentLogger } from './helpers/client.js'

const plan = defineTrackingPlan({
  events: {
    'Order Completed': v.object({ orderId: v.string(), total: v.number() }),
    'Cart Viewed': v.object({ items: v.array(v.object({ sku: v.string(), quantity: v.optional(v.number()) })) }),
    'Strict Event': v.strictObject({ a: v.string() }),
    'Throwing Event': v.object({
      a: v.pipe(
        v.string(),
        v.check(() => {
          throw new Error('the schema itself broke')
        }),
      ),
    }),
  },
  traits: v.object({ email: v.pipe(v.string(), v.email()), plan: v.optional(v.picklist(['free', 'pro'])) }),
  groupTraits: v.object({ name: v.string() }),
})

function makePlannedClient(options: Partial<AnalyticsOptions<TrackingPlan>> = {}) {
  const transport = new MemoryTransport()
  const warnings: string[] = []
  const logger = { ...silentLogger, warn: (line: string) => void warnings.push(line) }
  const client = new AnalyticsCore<TrackingPlan>(
    { writeKey: 'test-key', retryBackoff: () => 1, logger, plan, ...options },
    { transport, library: LIBRARY },
  )
  // The run-time path is what plain JavaScript callers reach: the plan's types are not in play.
  type Outcome = (e: AnalyticsError | undefined, message?: unknown) => void
  const call = (type: 'identify' | 'track' | 'page' | 'group', params: object, callback?: Outcome) =>
    (client[type] as (params: object, callback?: Outcome) => void)(params, callback)
  return { client, transport, warnings, call }
}

type Row = [name: string, type: 'identify' | 'track' | 'page' | 'group', params: Record<string, unknown>, error: string | undefined]

const u = { userId: 'u1' }
const rows: Row[] = [
  [
    'a declared event with valid properties',
    'track',
    { ...u, event: 'Order Completed', properties: { orderId: 'o1', total: 9.5 } },
    undefined,
  ],
  [
    'a mistyped property',
    'track',
    { ...u, event: 'Order Completed', properties: { orderId: 'o1', total: '9.50' } },
    'track "Order Completed": properties.total: expected number, received string',
  ],
  [
    'a missing property',
    'track',
    { ...u, event: 'Order Completed', properties: { orderId: 'o1' } },
    'track "Order Completed": properties.total: required, missing',
  ],
  [
    'every issue, each with its path',
    'track',
    { ...u, event: 'Order Completed', properties: { orderId: 7 } },
    'track "Order Completed": properties.orderId: expected string, received number; properties.total: required, missing',
  ],
  [
    'no properties for an event that requires some',
    'track',
    { ...u, event: 'Order Completed' },
    'track "Order Completed": properties.orderId: required, missing; properties.total: required, missing',
  ],
  [
    'a nested path through an array',
    'track',
    { ...u, event: 'Cart Viewed', properties: { items: [{ sku: 'a' }, { sku: 2 }] } },
    'track "Cart Viewed": properties.items.1.sku: expected string, received number',
  ],
  ['valid nested properties', 'track', { ...u, event: 'Cart Viewed', properties: { items: [{ sku: 'a', quantity: 2 }] } }, undefined],
  [
    'a key a strict schema does not declare',
    'track',
    { ...u, event: 'Strict Event', properties: { a: 'x', b: 1 } },
    'track "Strict Event": properties.b: not in the plan (the schema is strict)',
  ],
  [
    'a schema that throws',
    'track',
    { ...u, event: 'Throwing Event', properties: { a: 'x' } },
    "track: the tracking plan's check threw (the schema itself broke)",
  ],
  ['identify with valid traits', 'identify', { ...u, traits: { email: 'a@example.com', plan: 'pro' } }, undefined],
  ['identify without traits (not checked)', 'identify', { ...u }, undefined],
  [
    'a trait failing a validation (valibot message)',
    'identify',
    { ...u, traits: { email: 'not-an-email' } },
    'identify: traits.email: Invalid email: Received "not-an-email"',
  ],
  [
    'a wrong trait type',
    'identify',
    { ...u, traits: { email: 'a@example.com', plan: 'gold' } },
    'identify: traits.plan: expected ("free" | "pro"), received string',
  ],
  ['group with valid traits', 'group', { ...u, groupId: 'g1', traits: { name: 'Acme' } }, undefined],
  [
    'a wrong group trait type',
    'group',
    { ...u, groupId: 'g1', traits: { name: 42 } },
    'group: traits.name: expected string, received number',
  ],
  ['page (not covered by a plan)', 'page', { ...u, name: 'Home', properties: { anything: 1 } }, undefined],
]

describe('a client with a tracking plan, at run time', () => {
  it('fails each call that breaks the plan alone, with every issue; the valid calls beside them are delivered', async () => {
    const { client, transport, call } = makePlannedClient()
    const errors = new Map<string, AnalyticsError | undefined>()
    for (const [name, type, params] of rows) call(type, { ...params, messageId: name }, (error) => errors.set(name, error))
    await client.flush()

    for (const [name, , , expected] of rows) {
      expect(errors.has(name), name).toBe(true)
      const error = errors.get(name)
      if (expected === undefined) {
        expect(error, name).toBeUndefined()
      } else {
        expect(error, name).toBeInstanceOf(ValidationError)
        expect({ reason: error?.reason, message: error?.message }, name).toEqual({ reason: 'invalid', message: expected })
      }
    }
    // Nothing invalid was sent; everything valid was, once, in order.
    const sent = transport.messages.map((message) => message.messageId)
    expect(sent).toEqual(rows.filter((row) => row[3] === undefined).map((row) => row[0]))
    expectAllValid(transport)
  })

  it('lists the issues on the error too, with the first as its field; the callback gets the message', async () => {
    const { client, call } = makePlannedClient()
    let error: ValidationError | undefined
    let refused: Record<string, unknown> | undefined
    call('track', { ...u, event: 'Order Completed', properties: { orderId: 7 } }, (e, message) => {
      error = e as ValidationError
      refused = message as Record<string, unknown> | undefined
    })
    await client.flush()
    expect(refused).toMatchObject({ type: 'track', event: 'Order Completed', properties: { orderId: 7 } })
    expect(error?.call).toBe('track')
    expect(error?.field).toBe('properties.orderId')
    expect(error?.issues).toEqual([
      { path: 'properties.orderId', message: 'expected string, received number' },
      { path: 'properties.total', message: 'required, missing' },
    ])
  })

  it('sends the properties as given', async () => {
    const { client, transport, call } = makePlannedClient()
    call('track', { ...u, event: 'Order Completed', properties: { orderId: 'o1', total: 1, extra: 'kept' } })
    await client.flush()
    expect(transport.messages.map((m) => m.properties)).toEqual([{ orderId: 'o1', total: 1, extra: 'kept' }])
  })

  it('throws the ValidationError from the call in strict mode', () => {
    const { call } = makePlannedClient({ strict: true })
    expect(() => call('track', { ...u, event: 'Order Completed', properties: { orderId: 'o1', total: '1' } })).toThrow(
      'track "Order Completed": properties.total: expected number, received string',
    )
  })

  it('counts a failure that nobody handles and logs it once', async () => {
    const { client, warnings, call } = makePlannedClient()
    call('track', { ...u, event: 'Order Completed', properties: {} })
    call('track', { ...u, event: 'Order Completed', properties: {} })
    await client.flush()
    expect(client.stats.failedByReason).toEqual({ invalid: 2 })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('track "Order Completed": properties.orderId: required, missing')
  })
})

describe('undeclaredEvents: an event outside the plan', () => {
  it.each([
    // mode, delivered?, error message, warnings for Unknown, Unknown, Other
    [undefined, true, undefined, 2],
    ['report', true, undefined, 2],
    ['allow', true, undefined, 0],
    ['reject', false, 'track "Unknown": event "Unknown" is not in the tracking plan', 0],
  ] as const)('%s: delivered %s', async (mode, delivered, message, warned) => {
    const { client, transport, warnings, call } = makePlannedClient(mode ? { undeclaredEvents: mode } : {})
    const errors: (AnalyticsError | undefined)[] = []
    for (const event of ['Unknown', 'Unknown', 'Other']) call('track', { ...u, event }, (error) => errors.push(error))
    call('track', { ...u, event: 'Order Completed', properties: { orderId: 'o1', total: 1 } }, (error) => errors.push(error))
    await client.flush()

    expect(transport.messages.map((m) => m.event)).toEqual(
      delivered ? ['Unknown', 'Unknown', 'Other', 'Order Completed'] : ['Order Completed'],
    )
    expect(errors.filter(Boolean).map((e) => e?.message)).toEqual(
      message ? [message, message, 'track "Other": event "Other" is not in the tracking plan'] : [],
    )
    expect(warnings).toHaveLength(warned)
    if (warned) expect(warnings[0]).toMatch(/track "Unknown": event is not in the tracking plan; sent anyway/)
  })
})

describe('config errors', () => {
  it.each([
    [
      'undeclaredEvents outside the three modes',
      () => makePlannedClient({ undeclaredEvents: 'warn' as never }),
      /undeclaredEvents must be/,
    ],
    ['events that are not schemas', () => defineTrackingPlan({ events: { A: { orderId: 'string' } as never } }), /events must be/],
    ['no events', () => defineTrackingPlan({} as never), /events must be/],
    ['traits that are not a schema', () => defineTrackingPlan({ events: {}, traits: {} as never }), /traits must be a valibot schema/],
  ])('%s throw a ConfigError', (_name, make, message) => {
    expect(make).toThrow(ConfigError)
    expect(make).toThrow(message)
  })
})

describe('a client without a plan', () => {
  it('sends any event and properties, as before', async () => {
    const transport = new MemoryTransport()
    const client = new AnalyticsCore({ writeKey: 'k', logger: silentLogger }, { transport, library: LIBRARY })
    client.track({ userId: 'u', event: 'Order Completed', properties: { total: '9.50' } })
    await client.flush()
    expect(transport.messages.map((m: Message) => m.properties)).toEqual([{ total: '9.50' }])
  })
})
