// The Hono app on Node.js (@hono/node-server) with @cdp-analytics/node: one client for the process,
// closed on SIGTERM / SIGINT by closeOnSignals (what is queued is delivered, then the signal ends
// the process: exit status 143 for SIGTERM, 130 for SIGINT).
import { Analytics, closeOnSignals } from '@cdp-analytics/node'
import { serve } from '@hono/node-server'
import { createApp } from './app.mjs'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? 'YOUR_API_KEY',
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})
closeOnSignals(analytics, { timeout: 10_000, onClosed: (signal) => console.log(`analytics closed on ${signal}`) })

const app = createApp(() => analytics)
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => {
  console.log(`listening on http://127.0.0.1:${info.port}`)
})
