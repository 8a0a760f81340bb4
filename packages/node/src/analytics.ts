/**
 * The Node client: the core with Node's fetch (undici: keep-alive by default), unref'd timers,
 * and delivery on exit for scripts that forget close().
 *
 * Why plain fetch and not ky: ky builds, clones and tees a Request per send, which measured
 * ~250–500 µs of CPU per request here, 1.9× the floor's CPU in the 100k-event benchmark
 * against 1.3× without it (BENCHMARKS.md). Timeouts, the close deadline and body
 * consumption are the core fetch transport's job already.
 */
import { AnalyticsCore, createFetchTransport, type AnalyticsOptions, type CloseOptions, type TrackingPlan } from '@cdp-analytics/core'
import { registerForExit } from './exit-hook.js'
import { SIZE_TRANSPORT, type HttpTransport } from './http-transport.js'
import { keepAliveUntil, unrefTimers } from './timers.js'
import { LIBRARY } from './version.js'

export interface NodeAnalyticsOptions<P extends TrackingPlan | undefined = undefined> extends AnalyticsOptions<P> {
  /**
   * Deliver pending messages when the event loop empties ('beforeExit'), so a script that
   * forgets `close()` still sends its events and then exits. @default true
   */
  flushOnExit?: boolean
}

/**
 * The Node client. With a `plan` (from `defineTrackingPlan()`), `track()`, `identify()` and
 * `group()` are typed and checked by it; `P` is inferred from the option.
 */
export class Analytics<P extends TrackingPlan | undefined = undefined> extends AnalyticsCore<P> {
  constructor(options: NodeAnalyticsOptions<P>) {
    super(options, { transport: createFetchTransport(), library: LIBRARY, timers: unrefTimers, options: ['flushOnExit'] })
    // The node:http transport sizes its keep-alive Agents to the client's maxInFlight.
    const transport = options.transport as Partial<HttpTransport> | undefined
    transport?.[SIZE_TRANSPORT]?.(this.settings.maxInFlight)
    if (options.flushOnExit !== false) registerForExit(this)
  }

  /** As in the core; in Node the process also stays alive until it settles, retry waits included. */
  override flush(): Promise<void> {
    const flushing = super.flush()
    keepAliveUntil(flushing)
    return flushing
  }

  /** As in the core; in Node the process also stays alive until the drain ends. */
  override close(options?: CloseOptions): Promise<void> {
    const closing = super.close(options)
    keepAliveUntil(closing)
    return closing
  }

  /** As in the core; in Node the process also stays alive until it settles. */
  override drain(options?: CloseOptions): Promise<void> {
    const draining = super.drain(options)
    keepAliveUntil(draining)
    return draining
  }

  /** @internal Called on process 'exit' when messages could not be delivered. */
  warnUndelivered(): void {
    this.logger.warn(`process exiting with ${this.pending} undelivered message(s); await analytics.close() before exit`)
  }
}
