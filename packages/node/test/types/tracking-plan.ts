// Compiled by tsc in test/types.test.ts: a client made with a tracking plan accepts only the plan's
// events, with properties typed from each schema's input type, and traits typed likewise. Each
// `@ts-expect-error` must be an error; every other line must compile.
import * as v from 'valibot'
import { Analytics, defineTrackingPlan, type AnalyticsError, type Message, type TrackParams } from '../../src/index.js'

const plan = defineTrackingPlan({
  events: {
    'Order Completed': v.object({ orderId: v.string(), total: v.number(), coupon: v.optional(v.string()) }),
    'Signed Up': v.object({ method: v.picklist(['email', 'google']) }),
    'Page Liked': v.object({ pageId: v.optional(v.string()) }),
  },
  traits: v.object({ email: v.pipe(v.string(), v.email()), plan: v.optional(v.picklist(['free', 'pro'])) }),
  groupTraits: v.object({ name: v.string(), employees: v.optional(v.number()) }),
})

const analytics = new Analytics({ writeKey: 'wk', plan, undeclaredEvents: 'reject' })

// Declared events with their properties compile, with either callback.
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: 9.5 } })
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: 9.5, coupon: 'X' } }, (error, message) => {
  if (!error) void (message satisfies Message)
})
analytics.track({ userId: 'u', event: 'Signed Up', properties: { method: 'google' } }, (error) => void error?.reason)
// An event whose schema has no required key may leave `properties` out.
analytics.track({ anonymousId: 'a', event: 'Page Liked' })

// @ts-expect-error an event outside the plan
analytics.track({ userId: 'u', event: 'Order Complete', properties: { orderId: 'o1', total: 9.5 } })
// @ts-expect-error a required property is missing (total)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1' } })
// @ts-expect-error properties are required when the schema has a required key
analytics.track({ userId: 'u', event: 'Order Completed' })
// @ts-expect-error a misspelt property (totl)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: 9.5, totl: 9.5 } })
// @ts-expect-error a mistyped property (total is a number)
analytics.track({ userId: 'u', event: 'Order Completed', properties: { orderId: 'o1', total: '9.50' } })
// @ts-expect-error a value outside a picklist
analytics.track({ userId: 'u', event: 'Signed Up', properties: { method: 'github' } })
// @ts-expect-error the properties of another event
analytics.track({ userId: 'u', event: 'Signed Up', properties: { orderId: 'o1', total: 9.5 } })
// @ts-expect-error the error is an AnalyticsError or undefined, never a string
analytics.track({ userId: 'u', event: 'Signed Up', properties: { method: 'email' } }, (error: string) => void error)

// Traits: identify() by `traits`, group() by `groupTraits`; a call without traits still compiles.
analytics.identify({ userId: 'u', traits: { email: 'a@example.com', plan: 'pro' } })
analytics.identify({ userId: 'u' }, (error: AnalyticsError | undefined) => void error)
analytics.group({ userId: 'u', groupId: 'g', traits: { name: 'Acme', employees: 12 } })
// @ts-expect-error a wrong trait type (plan is 'free' | 'pro')
analytics.identify({ userId: 'u', traits: { email: 'a@example.com', plan: 'enterprise' } })
// @ts-expect-error a misspelt trait (emial)
analytics.identify({ userId: 'u', traits: { emial: 'a@example.com' } })
// @ts-expect-error a wrong group trait type (employees is a number)
analytics.group({ userId: 'u', groupId: 'g', traits: { name: 'Acme', employees: 'twelve' } })
// The other calls keep their types.
analytics.page({ userId: 'u', name: 'Home' })
analytics.alias({ previousId: 'a', userId: 'u' })

// @ts-expect-error undeclaredEvents is 'allow' | 'reject' | 'report'
void new Analytics({ writeKey: 'wk', plan, undeclaredEvents: 'warn' })

// A plan without traits schemas leaves traits as they are today.
const eventsOnly = new Analytics({ writeKey: 'wk', plan: defineTrackingPlan({ events: { Ping: v.object({}) } }) })
eventsOnly.identify({ userId: 'u', traits: { anything: [1, 2, 3] } })
eventsOnly.track({ userId: 'u', event: 'Ping' })
// @ts-expect-error still only the plan's events
eventsOnly.track({ userId: 'u', event: 'Pong' })

// Without a plan, track() takes any event and any properties (the well-known ones typed), as before.
const plain = new Analytics({ writeKey: 'wk' })
plain.track({ userId: 'u', event: 'anything', properties: { price_label: '9.50', nested: { a: 1 } } })
const params: TrackParams = { userId: 'u', event: 'x' }
plain.track(params)
// @ts-expect-error event is still required
plain.track({ userId: 'u' })
