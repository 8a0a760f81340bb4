// Customer.io's own semantics (issue 9), end to end over real HTTP to the local collector: each
// semantic helper's wire message matches the API schema and its event's own $defs schema, strict
// mode surfaces the API's 400 as `rejected` with its detail, and Journeys limits warn or refuse.
import * as v from 'valibot'
import { describe, expect, it, onTestFinished } from 'vitest'
import {
  Analytics,
  type AnalyticsError,
  type LimitWarning,
  type Message,
  ValidationError,
  addDevice,
  defineTrackingPlan,
  deleteDevice,
  deleteObject,
  deletePerson,
  deleteRelationship,
  journeysLimits,
  reportDelivery,
  suppressPerson,
  unsuppressPerson,
} from '../src/index.js'
import { startCollector } from '../src/testing/index.js'
import { WRITE_KEY, client, collector, expectAllValid, quietLogger } from './helpers/setup.js'
import { validateAgainstDef } from './helpers/spec.js'

type Send = (analytics: Parameters<typeof deletePerson>[0], callback: (error: AnalyticsError | undefined) => void) => void

// [helper, how it is called, the $defs schema of its event, what reaches the API]
const helperCases: [string, Send, string, Record<string, unknown>][] = [
  ['deletePerson', (a, cb) => deletePerson(a, { userId: 'u1' }, cb), 'semanticUserDeleted', { userId: 'u1', event: 'User Deleted' }],
  [
    'suppressPerson',
    (a, cb) => suppressPerson(a, { userId: 'u1' }, cb),
    'semanticUserSuppressed',
    { userId: 'u1', event: 'User Suppressed' },
  ],
  [
    'unsuppressPerson',
    (a, cb) => unsuppressPerson(a, { userId: 'u1', timestamp: new Date('2024-01-10T12:00:00Z') }, cb),
    'semanticUserUnsuppressed',
    { userId: 'u1', event: 'User Unsuppressed', timestamp: '2024-01-10T12:00:00.000Z' },
  ],
  [
    'addDevice',
    (a, cb) => addDevice(a, { userId: 'u1', token: 'apns-1', type: 'ios', attributes: { app_version: '2.1' } }, cb),
    'semanticDeviceCreatedOrUpdated',
    {
      userId: 'u1',
      event: 'Device Created or Updated',
      context: { device: { token: 'apns-1', type: 'ios', app_version: '2.1' } },
      properties: { device: { token: 'apns-1', type: 'ios', app_version: '2.1' } },
    },
  ],
  [
    'deleteDevice',
    (a, cb) => deleteDevice(a, { userId: 'u1', token: 'apns-1', context: { ip: '10.0.0.1' } }, cb),
    'semanticDeviceDeleted',
    {
      userId: 'u1',
      event: 'Device Deleted',
      context: { ip: '10.0.0.1', device: { token: 'apns-1' } },
      properties: { device: { token: 'apns-1' } },
    },
  ],
  [
    'deleteRelationship',
    (a, cb) => deleteRelationship(a, { userId: 'u1', objectId: 'acct-7', objectTypeId: '2' }, cb),
    'semanticRelationshipDeleted',
    { userId: 'u1', event: 'Relationship Deleted', properties: { objectId: 'acct-7', groupId: 'acct-7', objectTypeId: '2' } },
  ],
  [
    'deleteObject',
    (a, cb) => deleteObject(a, { objectId: 'acct-7' }, cb),
    'semanticObjectDeleted',
    { groupId: 'acct-7', event: 'Object Deleted', properties: { objectId: 'acct-7', groupId: 'acct-7' } },
  ],
  [
    'reportDelivery',
    (a, cb) => reportDelivery(a, { anonymousId: 'anon-1', deliveryId: 'd-9', metric: 'clicked', href: 'https://x.test/a' }, cb),
    'semanticReportDeliveryEvent',
    {
      anonymousId: 'anon-1',
      event: 'Report Delivery Event',
      properties: { deliveryId: 'd-9', metric: 'clicked', href: 'https://x.test/a' },
    },
  ],
]

describe('semantic event helpers', () => {
  it.each(helperCases)('%s sends the payload the API expects, valid against its schema', async (_name, send, def, expected) => {
    const local = await collector()
    const analytics = client(local.url)
    const outcome = new Promise<AnalyticsError | undefined>((resolve) => send(analytics, resolve))
    await analytics.flush()
    expect(await outcome).toBeUndefined()
    const [message] = await local.waitForMessages(1)
    expect(message).toMatchObject({ type: 'track', ...expected })
    expect(validateAgainstDef(def, message)).toEqual([])
    expectAllValid(local)
  })

  it('a tracking plan does not refuse them, even with undeclaredEvents: reject', async () => {
    const local = await collector()
    const plan = defineTrackingPlan({ events: { 'Order Completed': v.object({ total: v.number() }) } })
    const analytics = new Analytics({ writeKey: WRITE_KEY, endpoint: local.url, plan, undeclaredEvents: 'reject', logger: quietLogger })
    onTestFinished(() => analytics.close({ timeout: 0 }))
    const errors = new Map<string, AnalyticsError | undefined>()
    deletePerson(analytics, { userId: 'u1' }, (error) => errors.set('helper', error))
    analytics.track({ userId: 'u1', event: 'User Deleted' as 'Order Completed', properties: { total: 1 } }, (error) =>
      errors.set('track', error),
    )
    await analytics.flush()
    expect(errors.has('helper')).toBe(true)
    expect(errors.get('helper')).toBeUndefined() // delivered
    expect(errors.get('track')?.reason).toBe('invalid') // a plain track of the same name is still the plan's to judge
    expect((await local.waitForMessages(1)).map((m) => m.event)).toEqual(['User Deleted'])
  })
})

describe('strictMode', () => {
  it("sends X-Strict-Mode: 1 and surfaces the API's 400 as rejected, with its detail, for the refused message alone", async () => {
    const local = await collector()
    // The API refuses the batch for its second message; then, split in halves (issue 19), that message alone.
    local.enqueueResponses(
      { status: 400, body: JSON.stringify({ meta: { errors: ['batch[1].properties.device.token: required'] } }) },
      {},
      { status: 400, body: JSON.stringify({ meta: { errors: ['batch[0].properties.device.token: required'] } }) },
    )
    const analytics = client(local.url, { strictMode: true })
    const failures: [string, AnalyticsError][] = []
    analytics.on('failed', ({ error, message }) => failures.push([String(message?.event), error]))
    analytics.track({ userId: 'u1', event: 'Good' })
    analytics.track({ userId: 'u1', event: 'Device Created or Updated' })
    await analytics.flush()
    expect(local.requests.map((request) => request.headers['x-strict-mode'])).toEqual(['1', '1', '1'])
    expect(failures.map(([event, error]) => [event, error.reason])).toEqual([['Device Created or Updated', 'rejected']])
    expect(failures[0]?.[1].message).toMatch(/400.*batch\[0\]\.properties\.device\.token: required/)
    expect(local.messages.map((m) => m.event)).toEqual(['Good'])
  })

  it.each([
    [undefined, 200],
    ['1', 400],
  ])('a permissive collector answers an invalid body with X-Strict-Mode %s: %s', async (header, status) => {
    const local = await startCollector({ writeKey: WRITE_KEY, permissive: true })
    try {
      const response = await fetch(`${local.url}/v1/batch`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
          'content-type': 'application/json',
          ...(header ? { 'x-strict-mode': header } : {}),
        },
        body: JSON.stringify({ batch: [{ type: 'track', event: 'no identity' }] }),
      })
      expect(response.status).toBe(status)
      expect(local.requests[0]?.valid).toBe(false) // recorded as invalid either way
    } finally {
      await local.close()
    }
  })
})

describe('journeysLimits', () => {
  const longName = 'n'.repeat(151)
  it('warns naming the field and still delivers; a warning is logged once per limit', async () => {
    const local = await collector()
    const warned: string[] = []
    const analytics = client(local.url, {
      limits: journeysLimits(),
      logger: { debug() {}, info() {}, warn: (line: string) => warned.push(line), error() {} },
    })
    const warnings: LimitWarning[] = []
    analytics.on('warning', (warning) => warnings.push(warning))
    analytics.identify({ userId: 'u1', traits: { bio: 'x'.repeat(1001), [longName]: 1 } })
    analytics.identify({ userId: 'u2', traits: { bio: 'y'.repeat(2000) } })
    analytics.track({ userId: 'u1', event: 'E'.repeat(101) })
    await analytics.flush()
    expect(warnings.map(({ code, field }) => `${code} ${field}`)).toEqual([
      'attribute_value traits.bio',
      `attribute_name traits.${longName}`,
      'attribute_value traits.bio',
      'event_name event',
    ])
    expect(warnings[0]?.text).toBe('"traits.bio" is 1001 bytes; Journeys takes attribute values of at most 1000')
    expect(warned.filter((line) => line.includes('attribute_value'))).toHaveLength(1)
    expect(await local.waitForMessages(3)).toHaveLength(3)
  })

  it("with over: 'reject' refuses the call with a ValidationError naming the field, and sends the rest", async () => {
    const local = await collector()
    const analytics = client(local.url, { limits: journeysLimits({ over: 'reject' }) })
    const results: [AnalyticsError | undefined, Message | undefined][] = []
    analytics.group({ userId: 'u1', groupId: 'g', traits: { relationshipAttributes: { note: 'z'.repeat(1200) } } }, (e, m) =>
      results.push([e, m]),
    )
    analytics.identify({ userId: 'u1', traits: { plan: 'pro' } }, (e, m) => results.push([e, m]))
    await analytics.flush()
    const [error] = results.find(([e]) => e) ?? []
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).field).toBe('traits.relationshipAttributes.note')
    expect((await local.waitForMessages(1)).map((m) => m.type)).toEqual(['identify'])
  })
})

describe('region', () => {
  it('region eu with a proxy endpoint (here the collector) sends to that endpoint as given', async () => {
    const local = await startCollector({ writeKey: WRITE_KEY })
    try {
      const analytics = client(local.url, { region: 'eu' })
      analytics.track({ userId: 'u1', event: 'e' })
      await analytics.flush()
      expect(await local.waitForMessages(1)).toHaveLength(1)
    } finally {
      await local.close()
    }
  })
})
