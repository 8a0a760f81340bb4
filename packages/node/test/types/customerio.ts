// Compiled by tsc in test/types.test.ts (issue 9): Customer.io's semantic helpers, region and the
// typed traits, properties and context. Each `@ts-expect-error` must be an error.
import * as v from 'valibot'
import {
  Analytics,
  addDevice,
  defineTrackingPlan,
  deleteObject,
  deletePerson,
  deleteRelationship,
  journeysLimits,
  reportDelivery,
  type LimitWarning,
} from '../../src/index.js'

const analytics = new Analytics({ writeKey: 'wk', region: 'eu', strictMode: true, limits: journeysLimits() })
// @ts-expect-error regions are lower-case 'us' or 'eu'
void new Analytics({ writeKey: 'wk', region: 'EU' })
analytics.on('warning', (warning: LimitWarning) => void [warning.code, warning.field])

// Well-known traits are typed; any other key is still allowed.
analytics.identify({ userId: 'u', traits: { email: 'a@b.c', createdAt: new Date(), plan: 'pro', address: { city: 'Oslo' } } })
// @ts-expect-error traits.email is a string
analytics.identify({ userId: 'u', traits: { email: 42 } })
// @ts-expect-error traits.createdAt is a Date or a string
analytics.identify({ userId: 'u', traits: { createdAt: 1700000000 } })

// Properties: revenue and the ecommerce fields are typed.
analytics.track({
  userId: 'u',
  event: 'Order Completed',
  properties: { revenue: 9.5, currency: 'EUR', products: [{ sku: 'a', price: 1 }] },
})
// @ts-expect-error revenue is a number
analytics.track({ userId: 'u', event: 'Order Completed', properties: { revenue: '9.50' } })
// @ts-expect-error page properties the API types are strings
analytics.page({ userId: 'u', properties: { url: ['https://x'] } })

// Context: every field of the spec, typed; open to other keys.
analytics.track({
  userId: 'u',
  event: 'e',
  context: { ip: '1.2.3.4', channel: 'server', device: { type: 'ios', token: 't' }, tenant: 'acme' },
})
// @ts-expect-error channel is browser, server or mobile
analytics.track({ userId: 'u', event: 'e', context: { channel: 'tv' } })
// @ts-expect-error device.type is ios or android
analytics.track({ userId: 'u', event: 'e', context: { device: { type: 'web' } } })

// Objects: objectTypeId first-class, relationship attributes typed as an object.
analytics.group({ userId: 'u', groupId: 'acct-7', objectTypeId: '2', traits: { name: 'ACME', relationshipAttributes: { role: 'admin' } } })
// @ts-expect-error objectTypeId is a string of digits, not a number
analytics.group({ userId: 'u', groupId: 'acct-7', objectTypeId: 2 })
// @ts-expect-error relationshipAttributes is an object
analytics.group({ userId: 'u', groupId: 'acct-7', traits: { relationshipAttributes: 'admin' } })

// The semantic helpers: typed params, an optional callback of either kind.
deletePerson(analytics, { userId: 'u' })
deletePerson(analytics, { userId: 'u' }, (error) => void error?.reason)
deletePerson(analytics, { userId: 'u' }, (error, message) => void [error, message])
// @ts-expect-error a person is deleted by userId
deletePerson(analytics, { anonymousId: 'a' })
addDevice(analytics, { userId: 'u', token: 't', type: 'android', attributes: { app_version: '2' } })
// @ts-expect-error a device type is ios or android
addDevice(analytics, { userId: 'u', token: 't', type: 'web' })
// @ts-expect-error a device needs its token
addDevice(analytics, { userId: 'u' })
deleteRelationship(analytics, { anonymousId: 'a', objectId: 'acct-7', objectTypeId: '1' })
// @ts-expect-error objectTypeId is a string
deleteObject(analytics, { objectId: 'acct-7', objectTypeId: 1 })
reportDelivery(analytics, { userId: 'u', deliveryId: 'd', metric: 'converted' })
// @ts-expect-error the metrics are delivered, opened, clicked and converted
reportDelivery(analytics, { userId: 'u', deliveryId: 'd', metric: 'bounced' })

// A client with a tracking plan takes the helpers too: their events are Customer.io's, not the plan's.
const planned = new Analytics({ writeKey: 'wk', plan: defineTrackingPlan({ events: { Paid: v.object({ total: v.number() }) } }) })
deletePerson(planned, { userId: 'u' })
// @ts-expect-error the planned client's own track still takes only the plan's events
planned.track({ userId: 'u', event: 'User Deleted' })
