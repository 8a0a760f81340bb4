// A Cloudflare Worker that sends events to Customer.io Data Pipelines with @cdp-analytics/edge.
// One client per isolate, made on the first request (the write key is a secret in `env`), and
// withAnalytics() to send each request's events inside that request's ctx.waitUntil, also when the
// handler throws. No timer and no explicit flush: the Worker answers at once and delivers after.
import { Analytics, withAnalytics } from '@cdp-analytics/edge'

export interface Env {
  /** `wrangler secret put CDP_WRITE_KEY`: the API key of your Customer.io HTTP source. */
  CDP_WRITE_KEY: string
  /** Optional: `https://cdp-eu.customer.io` for the EU region. */
  CDP_ENDPOINT?: string
}

/** The part of Cloudflare's ExecutionContext this Worker uses. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void
}

let analytics: Analytics | undefined
const client = (env: Env) => (analytics ??= new Analytics({ writeKey: env.CDP_WRITE_KEY, endpoint: env.CDP_ENDPOINT }))

async function handle(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const url = new URL(request.url)
  const userId = request.headers.get('x-user-id') ?? 'anonymous-visitor'

  if (url.pathname === '/signup' && request.method === 'POST') {
    const { email, plan } = (await request.json()) as { email: string; plan: string }
    // Events after the handler returns (a streamed body, a background task) go through bind(ctx).
    const events = client(env).bind(ctx)
    events.identify({ userId, traits: { email, plan } })
    events.track({ userId, event: 'signed_up', properties: { plan } })
    return Response.json({ ok: true }, { status: 201 })
  }

  if (url.pathname === '/boom') {
    client(env).track({ userId, event: 'about_to_fail' })
    throw new Error('something broke after tracking') // withAnalytics still sends the event
  }

  client(env).page({ userId, name: url.pathname, properties: { url: request.url, referrer: request.headers.get('referer') ?? '' } })
  return new Response(`Hello from ${url.pathname}\n`)
}

export default { fetch: withAnalytics(client, handle) }
