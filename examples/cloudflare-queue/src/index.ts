// A Cloudflare Worker that sends events to Customer.io through a Cloudflare Queue: fetch() tracks
// events into the Queue (one Queue message per request, accepted in a few milliseconds), queue()
// sends them to the API in batches of up to 100 Worker requests' events, and retries through the
// Queue while the API is down. Compared with examples/cloudflare-worker, two lines differ: the
// client's `transport`, and the `queue` export.
import {
  Analytics,
  createQueueConsumer,
  createQueueTransport,
  type QueueProducer,
  type QueueRejection,
  withAnalytics,
} from '@cdp-analytics/edge'

export interface Env {
  /** The producer binding of the cdp-events Queue (wrangler.toml). */
  CDP_QUEUE: QueueProducer
  /** `wrangler secret put CDP_WRITE_KEY`: the API key of your Customer.io HTTP source. Only queue() uses it. */
  CDP_WRITE_KEY: string
  /** Optional: `https://cdp-eu.customer.io` for the EU region. */
  CDP_ENDPOINT?: string
}

/** The part of Cloudflare's ExecutionContext this Worker uses. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

let analytics: Analytics | undefined
const client = (env: Env) =>
  // Line 1 of 2: the transport. A callback now means "accepted by the Queue". The write key stays
  // with the consumer; the producer never sends it anywhere.
  (analytics ??= new Analytics({ writeKey: 'sent-by-the-consumer', transport: createQueueTransport(env.CDP_QUEUE) }))

async function handle(request: Request, env: Env, _ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url)
  const userId = request.headers.get('x-user-id') ?? 'anonymous-visitor'
  if (url.pathname === '/signup' && request.method === 'POST') {
    const { email, plan } = (await request.json()) as { email: string; plan: string }
    client(env).identify({ userId, traits: { email, plan } })
    client(env).track({ userId, event: 'signed_up', properties: { plan } })
    return Response.json({ ok: true }, { status: 201 })
  }
  client(env).page({ userId, name: url.pathname, properties: { url: request.url } })
  return new Response(`Hello from ${url.pathname}\n`)
}

export default {
  fetch: withAnalytics(client, handle),
  // Line 2 of 2: the consumer. Requests the API refuses for their body (400) are logged here; send
  // them to a queue or a KV namespace of your own to keep them.
  queue: createQueueConsumer<Env>({
    writeKey: (env) => env.CDP_WRITE_KEY,
    endpoint: (env) => env.CDP_ENDPOINT,
    onRejected: (rejection: QueueRejection) => {
      console.error(`cdp: ${rejection.messages.length} events refused (${rejection.status}): ${rejection.detail}`)
    },
  }),
}
