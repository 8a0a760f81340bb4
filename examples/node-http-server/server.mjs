// A plain node:http server that tracks one event per request and loses none on a rolling deploy:
// closeOnSignals() closes the client on SIGTERM / SIGINT, delivering what is still queued, before
// the signal ends the process.
import { createServer } from 'node:http'
import { Analytics, closeOnSignals } from '@cdp-analytics/node'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? 'YOUR_API_KEY',
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const userId = request.headers['x-user-id']
  const identity = typeof userId === 'string' ? { userId } : { anonymousId: 'anonymous-visitor' }
  analytics.page({ ...identity, name: url.pathname, properties: { path: url.pathname, method: request.method } })
  response.writeHead(200, { 'content-type': 'text/plain' }).end(`Hello from ${url.pathname}\n`)
})

// On SIGTERM (a rolling deploy) or SIGINT (Ctrl-C), closeOnSignals closes the client, delivering
// what is still queued (within 10 s), then raises the signal again, so the process ends by it as
// it would have without the helper: exit status 143 for SIGTERM, 130 for SIGINT. A second signal
// during the close ends the process at once. (The client closes at once: an event tracked by a
// request still open after the signal fails with `closed`; to let open requests finish and be
// tracked, close the server in your own handler, then await analytics.close(), then exit.)
closeOnSignals(analytics, { timeout: 10_000, onClosed: (signal) => console.log(`analytics closed on ${signal}`) })

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`listening on http://127.0.0.1:${port}`)
})
