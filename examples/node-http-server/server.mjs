// A plain node:http server that tracks one event per request and loses none on a rolling deploy:
// closeOnSignals() first lets the server answer the requests in progress (their events are tracked
// too), then closes the client on SIGTERM / SIGINT, delivering what is still queued, before the
// signal ends the process.
import { createServer } from 'node:http'
import { Analytics, closeOnSignals } from '@cdp-analytics/node'

const analytics = new Analytics({
  writeKey: process.env.CDP_WRITE_KEY ?? 'YOUR_API_KEY',
  endpoint: process.env.CDP_ENDPOINT, // optional: https://cdp-eu.customer.io for the EU region
})

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost')
  console.log(`${request.method} ${url.pathname}`)
  // Read the body (a form or an upload): the request is in progress until all of it has arrived.
  let bytes = 0
  for await (const chunk of request) bytes += chunk.length
  const userId = request.headers['x-user-id']
  const identity = typeof userId === 'string' ? { userId } : { anonymousId: 'anonymous-visitor' }
  analytics.page({ ...identity, name: url.pathname, properties: { path: url.pathname, method: request.method, bytes } })
  // Shutting down: end this connection after the answer instead of keeping it alive, so that
  // server.close() need not wait for its keep-alive timeout (5 s).
  if (!server.listening) response.setHeader('connection', 'close')
  response.writeHead(200, { 'content-type': 'text/plain' }).end(`Hello from ${url.pathname}\n`)
})

// On SIGTERM (a rolling deploy) or SIGINT (Ctrl-C), closeOnSignals first closes the server and
// waits (up to 10 s) for the requests in progress to be answered, so their events are tracked too;
// then it closes the client, delivering what is queued (within 10 s), and raises the signal again,
// so the process ends by it as it would have without the helper: exit status 143 for SIGTERM, 130
// for SIGINT. A second signal meanwhile ends the process at once.
closeOnSignals(analytics, {
  beforeClose: () => {
    console.log('shutting down: answering the requests in progress')
    return new Promise((resolve) => server.close(() => resolve(undefined)))
  },
  beforeCloseTimeout: 10_000,
  timeout: 10_000,
  onClosed: (signal) => console.log(`analytics closed on ${signal}`),
})

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : process.env.PORT
  console.log(`listening on http://127.0.0.1:${port}`)
})
