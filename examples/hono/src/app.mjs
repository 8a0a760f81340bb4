// One Hono app for both runtimes. It gets its analytics client from `events(c)`: on Node the one
// process-wide client, on Workers the isolate's client bound to the request's ExecutionContext.
import { Hono } from 'hono'

/** @typedef {Pick<import('@cdp-analytics/node').Analytics, 'page' | 'identify' | 'track'>} Events */

/**
 * @param {(c: import('hono').Context) => Events} events
 */
export function createApp(events) {
  const app = new Hono()

  app.post('/signup', async (c) => {
    const userId = c.req.header('x-user-id') ?? `user-${crypto.randomUUID()}`
    const { email, plan = 'free' } = /** @type {{ email?: string, plan?: string }} */ (await c.req.json().catch(() => ({})))
    if (!email) return c.json({ error: 'email is required' }, 400)
    events(c).identify({ userId, traits: { email, plan } })
    events(c).track({ userId, event: 'Signed Up', properties: { plan } })
    return c.json({ userId }, 201)
  })

  app.get('*', (c) => {
    const userId = c.req.header('x-user-id')
    events(c).page({ ...(userId ? { userId } : { anonymousId: 'anonymous-visitor' }), name: c.req.path, properties: { url: c.req.url } })
    return c.text(`Hello from ${c.req.path}\n`)
  })

  return app
}
