/**
 * The few platform types the adapter needs, declared here rather than imported from
 * `@cloudflare/workers-types` or `@vercel/functions`, and the Vercel request-context lookup.
 */

/** Keeps the isolate alive until the promise settles (`ctx.waitUntil`, `event.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void

/** What `analytics.bind()` and `withAnalytics()` need of a request: Cloudflare's `ExecutionContext`, Vercel's `RequestContext`. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void
}

/** Vercel's per-request context, as `@vercel/functions` reads it (`waitUntil`, `after`). */
interface VercelRequestContext {
  waitUntil?: (promise: Promise<unknown>) => void
}

const VERCEL_CONTEXT = Symbol.for('@vercel/request-context')

/**
 * The current request's context on Vercel (Edge Functions, Next.js routes and `after()` callbacks),
 * or undefined elsewhere. Read at call time: the platform swaps it per request.
 */
export function vercelRequestContext(): WaitUntilContext | undefined {
  const holder = (globalThis as { [VERCEL_CONTEXT]?: { get?: () => VercelRequestContext | undefined } })[VERCEL_CONTEXT]
  const context = holder?.get?.()
  return typeof context?.waitUntil === 'function' ? (context as WaitUntilContext) : undefined
}
