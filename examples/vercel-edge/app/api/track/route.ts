// A Next.js App Router route handler on the Edge runtime that sends events to Customer.io Data
// Pipelines with @cdp-analytics/edge. The client lives at module scope and is given no waitUntil:
// on Vercel it finds the current request's waitUntil itself (the request context that
// `@vercel/functions` reads), so events are sent after the response without an explicit flush.
import { Analytics } from '@cdp-analytics/edge'

export const runtime = 'edge'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY!,
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})

export async function POST(request: Request): Promise<Response> {
  const { userId, event, properties } = (await request.json()) as { userId: string; event: string; properties?: Record<string, unknown> }
  analytics.track({ userId, event, properties })
  analytics.identify({ userId, traits: { lastSeenAt: new Date().toISOString() } })
  return Response.json({ ok: true })
}
