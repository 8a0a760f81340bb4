// A Next.js App Router route handler on the Node.js runtime (app/api/track/route.js). The client is
// made once per server instance; each invocation awaits flush() before answering, so its events
// are delivered (or have their outcome) even when the platform freezes the function right after.
// On a long-running `next start` server you may answer first and flush in `after()` instead:
//   import { after } from 'next/server'
//   after(() => analytics.flush())
import { Analytics } from '@cdp-analytics/node'

export const runtime = 'nodejs'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? '',
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})

/** @param {Request} request */
export async function POST(request) {
  const { userId, event, properties } = /** @type {{ userId: string, event: string, properties?: Record<string, unknown> }} */ (
    await request.json()
  )
  /** @type {string[]} */
  const failures = []
  const onOutcome = (/** @type {{ reason: string } | undefined} */ err) => err && failures.push(err.reason)
  analytics.track({ userId, event, properties }, onOutcome)
  analytics.identify({ userId, traits: { lastSeenAt: new Date().toISOString() } }, onOutcome)
  await analytics.flush() // settles once this invocation's events have an outcome
  return Response.json({ ok: failures.length === 0, failures })
}
