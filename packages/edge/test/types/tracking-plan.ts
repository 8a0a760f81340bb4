// Compiled by tsc in test/types.test.ts: the edge client made with a tracking plan, and the
// per-request object of `bind(ctx)`, accept only the plan's events and typed properties and traits.
// Each `@ts-expect-error` must be an error; every other line must compile.
import * as v from 'valibot'
import { Analytics, defineTrackingPlan, withAnalytics, type RequestAnalytics } from '../../src/index.js'

const plan = defineTrackingPlan({
  events: { 'Order Completed': v.object({ orderId: v.string(), total: v.number() }) },
  traits: v.object({ email: v.string(), plan: v.optional(v.picklist(['free', 'pro'])) }),
  groupTraits: v.object({ name: v.string() }),
})
const ctx = { waitUntil: (_promise: Promise<unknown>) => {} }

const analytics = new Analytics({ writeKey: 'wk', plan, waitUntil: ctx.waitUntil })
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: 9.5 } }, (error) => void error)
analytics.identify({ userId: 'u', traits: { email: 'a@example.com' } })
analytics.group({ userId: 'u', groupId: 'g', traits: { name: 'Acme' } })
// @ts-expect-error an event outside the plan
analytics.track({ userId: 'u', event: 'Order Complete', properties: { orderId: 'o1', total: 9.5 } })
// @ts-expect-error a missing property (total)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1' } })
// @ts-expect-error a misspelt property (orderID)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderID: 'o1', total: 9.5 } })
// @ts-expect-error a mistyped property (total is a number)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: '9.50' } })
// @ts-expect-error a wrong trait type (plan is 'free' | 'pro')
analytics.identify({ userId: 'u', traits: { email: 'a@example.com', plan: 'gold' } })
// @ts-expect-error a wrong group trait type (name is a string)
analytics.group({ userId: 'u', groupId: 'g', traits: { name: 42 } })

// bind(ctx) keeps the plan's types.
const request: RequestAnalytics<typeof plan> = analytics.bind(ctx)
request.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: 1 } })
// @ts-expect-error an event outside the plan, through bind(ctx)
request.track({ userId: 'u', event: 'Refund', properties: {} })
// @ts-expect-error a mistyped property, through bind(ctx)
analytics.bind(ctx).track({ userId: 'u', event: 'Order Completed', properties: { orderId: 1, total: 1 } })
// @ts-expect-error a wrong trait type, through bind(ctx)
analytics.bind(ctx).identify({ userId: 'u', traits: { email: null } })

// withAnalytics takes a planned client too.
void withAnalytics(analytics, () => new Response('ok'))

// Without a plan, the edge client and bind(ctx) take any event, as before.
const plain = new Analytics({ writeKey: 'wk' })
plain.track({ userId: 'u', event: 'anything', properties: { total: 9.5, label: '9.50' } })
plain.bind(ctx).track({ userId: 'u', event: 'anything else' })
const plainRequest: RequestAnalytics = plain.bind(ctx)
plainRequest.identify({ userId: 'u', traits: { plan: 'gold' } })
