// An Express 5 app that sends events to Customer.io Data Pipelines with @cdp-analytics/node: a
// `page` per request from a middleware, and `identify` + `track` on signup. closeOnSignals()
// closes the client on SIGTERM / SIGINT, delivering what is still queued, before the signal ends
// the process (exit status 143 for SIGTERM, 130 for SIGINT), as in examples/node-http-server.
import { Analytics, closeOnSignals } from '@cdp-analytics/node'
import express from 'express'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? 'YOUR_API_KEY',
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})
closeOnSignals(analytics, { timeout: 10_000, onClosed: (signal) => console.log(`analytics closed on ${signal}`) })

const app = express()
app.use(express.json())

// Who is calling: your session or auth middleware would set this.
/** @param {import('express').Request} req */
const identity = (req) => {
  const userId = req.get('x-user-id')
  return userId ? { userId } : { anonymousId: 'anonymous-visitor' }
}

app.use((req, _res, next) => {
  if (req.method === 'GET') analytics.page({ ...identity(req), name: req.path, properties: { path: req.path, url: req.originalUrl } })
  next()
})

app.post('/signup', (req, res) => {
  const { email, plan } = /** @type {{ email?: string, plan?: string }} */ (req.body ?? {})
  if (!email) {
    res.status(400).json({ error: 'email is required' })
    return
  }
  const userId = `user-${email}`
  analytics.identify({ userId, traits: { email, plan: plan ?? 'free' } })
  analytics.track({ userId, event: 'Signed Up', properties: { plan: plan ?? 'free' } })
  res.status(201).json({ userId })
})

app.get('/{*path}', (req, res) => {
  res.type('text').send(`Hello from ${req.path}\n`)
})

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`listening on http://127.0.0.1:${port}`)
})
