// The Worker of scripts/queue-bench.mjs: `/direct` sends each invocation's two events straight to
// the API (one request per invocation), `/queue` puts them into a Cloudflare Queue, and the
// `queue` export sends them on in batches. Both paths build the same two events.
import { Analytics, createQueueConsumer, createQueueTransport, type QueueProducer } from '../src/index.js'

interface Env {
  CDP_WRITE_KEY: string
  CDP_ENDPOINT: string
  CDP_QUEUE: QueueProducer
}

interface Ctx {
  waitUntil(promise: Promise<unknown>): void
}

export default {
  async fetch(request: Request, env: Env, ctx: Ctx): Promise<Response> {
    const url = new URL(request.url)
    const i = Number(url.searchParams.get('i'))
    const analytics = new Analytics({
      writeKey: env.CDP_WRITE_KEY,
      endpoint: env.CDP_ENDPOINT,
      waitUntil: ctx.waitUntil.bind(ctx),
      ...(url.pathname === '/queue' ? { transport: createQueueTransport(env.CDP_QUEUE) } : {}),
    })
    const userId = `user-${i % 500}`
    analytics.page({ userId, name: '/products/shoes', properties: { url: 'https://shop.example.com/products/shoes', referrer: '' } })
    analytics.track({
      userId,
      event: 'added_to_cart',
      properties: { product: 'shoes', sku: `SKU-${i % 97}`, price: 39.95, currency: 'EUR' },
    })
    return new Response('ok')
  },
  queue: createQueueConsumer<Env>({ writeKey: (env) => env.CDP_WRITE_KEY, endpoint: (env) => env.CDP_ENDPOINT }),
}
