/**
 * A fetch-handler wrapper for a module-scope client: whatever the handler queues is drained
 * inside that request's `ctx.waitUntil` when the handler settles, thrown errors included.
 */
import type { TrackingPlan } from '@cdp-analytics/core'
import type { Analytics } from './analytics.js'
import type { WaitUntilContext } from './wait-until.js'

/**
 * Wraps a Cloudflare-style `fetch(request, env, ctx)` handler. Use the module-scope client
 * directly inside it; events are sent inside `ctx.waitUntil` once the handler returns or throws.
 * `client` is the client, or a function of `env` that returns it (for a write key kept in `env`).
 *
 * ```ts
 * let analytics: Analytics | undefined
 * export default {
 *   fetch: withAnalytics(
 *     (env: Env) => (analytics ??= new Analytics({ writeKey: env.CDP_WRITE_KEY })),
 *     async (request, env, ctx) => { analytics!.track({ userId: 'u1', event: 'hit' }); return new Response('ok') },
 *   ),
 * }
 * ```
 *
 * Events queued after the handler returned (while a streamed body is written) are picked up by a
 * drain still running; send those through `analytics.bind(ctx)` to tie them to the request for sure.
 */
export function withAnalytics<Req, Env, Ctx extends WaitUntilContext, Res, P extends TrackingPlan | undefined = undefined>(
  client: Analytics<P> | ((env: Env) => Analytics<P>),
  handler: (request: Req, env: Env, ctx: Ctx) => Res | Promise<Res>,
): (request: Req, env: Env, ctx: Ctx) => Promise<Res> {
  return async (request, env, ctx) => {
    const analytics = typeof client === 'function' ? client(env) : client
    analytics.enterScope()
    try {
      return await handler(request, env, ctx)
    } finally {
      analytics.exitScope(ctx)
    }
  }
}
