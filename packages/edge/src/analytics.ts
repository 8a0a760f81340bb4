/**
 * The edge client: the core with the fetch transport, no timers, and delivery through
 * `waitUntil` (see drain.ts for how a drain cycle works).
 *
 * Which request a message belongs to, checked in this order on every accepted call:
 * 1. a call through `analytics.bind(ctx)`: that ctx;
 * 2. the `waitUntil` option (a client made per request);
 * 3. Vercel's request context (Edge Functions, Next.js route handlers, `after()` callbacks);
 * 4. a `withAnalytics` handler still running: its wrapper drains when the handler settles;
 * 5. otherwise a drain that is still running picks it up, or it waits for `flush()` (with a warning
 *    when the code that queued it goes on without calling it).
 */
import {
  AnalyticsCore,
  createFetchTransport,
  checkConnection,
  encodeBody,
  type AnalyticsOptions,
  type Callback,
  type TrackingPlan,
} from '@cdp-analytics/core'
import { DrainRegistry } from './drain.js'
import { vercelRequestContext, type WaitUntil, type WaitUntilContext } from './wait-until.js'
import { LIBRARY } from './version.js'

export interface EdgeAnalyticsOptions<P extends TrackingPlan | undefined = undefined> extends AnalyticsOptions<P> {
  /**
   * Keeps the isolate alive while events are sent, for a client made per request:
   * `ctx.waitUntil.bind(ctx)` on Cloudflare, `context.waitUntil` on Vercel. A module-scope client
   * takes each request's context through `analytics.bind(ctx)` or `withAnalytics()` instead.
   * @default Vercel's request context when there is one; otherwise none, and you `await analytics.flush()`
   */
  waitUntil?: WaitUntil
}

/** The calls of one request, through a module-scope client (typed by its plan `P`): see {@link Analytics.bind}. */
export interface RequestAnalytics<P extends TrackingPlan | undefined = undefined> extends Pick<AnalyticsCore<P>, CallName | 'flush'> {}

/**
 * Default `maxInFlight` on the edge: effectively no cap. A send must start in the request whose
 * drain waits for it; with a cap, a batch waiting for a slot is started from whichever request's
 * send finished first, and workerd cancels it when that request ends (its events are lost).
 * workerd queues connections beyond 6 per request by itself.
 */
export const EDGE_MAX_IN_FLIGHT = 1000

function withEdgeDefaults<P extends TrackingPlan | undefined>(options: EdgeAnalyticsOptions<P>): EdgeAnalyticsOptions<P> {
  if (typeof options !== 'object' || options === null) return options // the core reports it
  return { ...options, maxInFlight: options.maxInFlight ?? EDGE_MAX_IN_FLIGHT }
}

type CallName = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias'
/** The calls a bound request forwards; `sendSemantic` is the core's internal entry of Customer.io's semantic helpers. */
const CALLS: readonly string[] = ['identify', 'track', 'page', 'screen', 'group', 'alias', 'sendSemantic']

/**
 * The edge client. With a `plan` (from `defineTrackingPlan()`), `track()`, `identify()` and
 * `group()` (and those of `bind(ctx)`) are typed and checked by it; `P` is inferred from the option.
 */
export class Analytics<P extends TrackingPlan | undefined = undefined> extends AnalyticsCore<P> {
  #drains: DrainRegistry
  #waitUntil: WaitUntil | undefined
  /** The context of the `bind()` call running right now; calls are synchronous, so one at a time. */
  #binding: WaitUntilContext | undefined
  #bound = new WeakMap<WaitUntilContext, RequestAnalytics<P>>()
  /** Requests inside a `withAnalytics` handler right now. */
  #openScopes = 0
  #warnedNoWaitUntil = false
  /** Calls of flush() so far: the "no waitUntil" check compares it across a microtask. */
  #flushes = 0
  #longLived = typeof (globalThis as { Deno?: unknown }).Deno === 'object' || typeof (globalThis as { Bun?: unknown }).Bun === 'object'

  constructor(options: EdgeAnalyticsOptions<P>) {
    // `this` is not usable inside super()'s arguments; the hook reaches it through this cell.
    const hook: { accepted?: () => void } = {}
    super(withEdgeDefaults(options), {
      // `compress` is the core's option: it gzips each body once, before the transport.
      transport: createFetchTransport(),
      encodeBody,
      checkConnection,
      library: LIBRARY,
      // No timer per batch: on Cloudflare it would never fire once the response is returned.
      intervalFlush: false,
      // Nor a request per flushAt messages: the request's drain sends everything it queued, one
      // microtask later, in as few requests as the byte and count limits allow.
      flushOnCount: false,
      onEnqueue: () => hook.accepted?.(),
      options: ['waitUntil'],
    })
    if (options.waitUntil !== undefined && typeof options.waitUntil !== 'function') {
      throw new TypeError('waitUntil must be a function, such as ctx.waitUntil.bind(ctx)')
    }
    this.#waitUntil = options.waitUntil
    this.#drains = new DrainRegistry(
      () => super.flush(),
      (message, error) => this.logger.error(message, error),
    )
    hook.accepted = () => this.#accepted()
  }

  /**
   * The calls of one request through this (module-scope) client: every message sent through the
   * returned object is drained inside `ctx.waitUntil`. Cheap; the same ctx gives the same object.
   *
   * ```ts
   * const analytics = new Analytics({ writeKey })
   * export default { fetch(request, env, ctx) { analytics.bind(ctx).track({ userId, event: 'hit' }); return new Response('ok') } }
   * ```
   */
  bind(ctx: WaitUntilContext): RequestAnalytics<P> {
    if (typeof ctx?.waitUntil !== 'function')
      throw new TypeError('bind(ctx): ctx must have a waitUntil method (the ExecutionContext of the request)')
    let request = this.#bound.get(ctx)
    if (request) return request
    request = { flush: () => this.flush() } as RequestAnalytics<P>
    type Call = (params: never, callback?: Callback) => void
    for (const name of CALLS) {
      ;(request as unknown as Record<string, Call>)[name] = (params, callback) => {
        const outer = this.#binding
        this.#binding = ctx
        try {
          ;(this as unknown as Record<string, Call>)[name]?.call(this, params, callback)
        } finally {
          this.#binding = outer
        }
      }
    }
    this.#bound.set(ctx, request)
    return request
  }

  /** @internal For `withAnalytics`: a handler of this client started. */
  enterScope(): void {
    this.#openScopes++
  }

  /** @internal For `withAnalytics`: the handler settled; drain what is queued inside `ctx.waitUntil`. */
  exitScope(ctx: WaitUntilContext): void {
    this.#openScopes--
    if (this.pending > 0) this.#drainWith(ctx)
  }

  /** Sends everything queued so far; resolves when all of it has an outcome. Never rejects. */
  override flush(): Promise<void> {
    this.#flushes++
    return super.flush()
  }

  /** Called by the core after each accepted message. */
  #accepted(): void {
    if (this.#binding) return this.#drainWith(this.#binding)
    if (this.#waitUntil) return this.#drains.note(this.#waitUntil, this.#waitUntil)
    const vercel = vercelRequestContext()
    if (vercel) return this.#drainWith(vercel)
    // A withAnalytics handler is running: its wrapper drains when the handler settles.
    if (this.#openScopes > 0) return
    if (this.#drains.noteAny()) return
    // No drain will come (a long-lived Deno or Bun server that does not flush): send by count.
    const full = this.scheduler.queuedMessages >= this.settings.flushAt
    if (full) void super.flush()
    // Deno and Bun are long-lived servers: no waitUntil is normal there, and the README's
    // `await analytics.flush()` delivers. Warn only if the code never flushed by the time
    // flushAt messages piled up.
    if (this.#warnedNoWaitUntil || (this.#longLived && (this.#flushes || !full))) return
    if (this.#longLived) return this.#warnNoWaitUntil()
    // Elsewhere (a Worker that lost its ctx, an edge client in Node) warn when the event is left
    // behind: when the code that queued it ran on without flush() or close(). Checked one microtask
    // later, after the caller's synchronous code: `track(); await analytics.flush()` is not warned
    // about (issue 20). No timer: a microtask still runs before a Worker's response goes out.
    const flushes = this.#flushes
    queueMicrotask(() => {
      if (flushes === this.#flushes && !this.#warnedNoWaitUntil && !this.closed && !this.#drains.running && this.pending)
        this.#warnNoWaitUntil()
    })
  }

  #warnNoWaitUntil(): void {
    this.#warnedNoWaitUntil = true
    this.logger.warn(
      'no waitUntil for this event; pass { waitUntil: ctx.waitUntil.bind(ctx) }, use analytics.bind(ctx) or withAnalytics(), or await analytics.flush()',
    )
  }

  #drainWith(ctx: WaitUntilContext): void {
    this.#drains.note(ctx, (promise) => ctx.waitUntil(promise))
  }
}
