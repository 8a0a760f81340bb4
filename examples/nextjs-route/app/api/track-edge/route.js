// The same route on the Edge runtime (app/api/track-edge/route.js) with @cdp-analytics/edge. The
// client lives at module scope with no waitUntil: on Vercel it finds the current request's
// waitUntil itself, so the response goes out at once and the events are sent after it.
import { Analytics } from '@cdp-analytics/edge'

export const runtime = 'edge'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? '',
  endpoint: process.env.CDP_ENDPOINT,
})

/** @param {Request} request */
export async function POST(request) {
  const { userId, event, properties } = /** @type {{ userId: string, event: string, properties?: Record<string, unknown> }} */ (
    await request.json()
  )
  analytics.track({ userId, event, properties })
  analytics.identify({ userId, traits: { lastSeenAt: new Date().toISOString() } })
  return Response.json({ ok: true })
}
