/**
 * The Node client: the core with Node's fetch (undici: keep-alive by default), unref'd timers,
 * and delivery on exit for scripts that forget close().
 *
 * Why plain fetch and not ky: ky builds, clones and tees a Request per send, which measured
 * ~250–500 µs of CPU per request here, 1.9× the floor's CPU in the 100k-event benchmark
 * against 1.3× without it (BENCHMARKS.md). Timeouts, the close deadline and body
 * consumption are the core fetch transport's job already.
 */
import { DurableCore, checkConnection, encodeBody, type AnalyticsOptions, type CloseOptions, type TrackingPlan } from '@cdp-analytics/core'
import { createFetchTransport } from './fetch-transport.js'
import { registerForExit } from './exit-hook.js'
import { SIZE_TRANSPORT, type HttpTransport } from './http-transport.js'
import { describeNetworkError } from './network-error.js'
import type { SpoolOptions } from './spool/options.js'
import { Spool } from './spool/spool.js'
import type { SpoolStats } from './spool/types.js'
import { keepAliveUntil, unrefTimers } from './timers.js'
import { LIBRARY } from './version.js'

export interface NodeAnalyticsOptions<P extends TrackingPlan | undefined = undefined> extends AnalyticsOptions<P> {
  /**
   * Deliver pending messages when the event loop empties ('beforeExit'), so a script that
   * forgets `close()` still sends its events and then exits. @default true
   */
  flushOnExit?: boolean
  /**
   * Keep every accepted message in files under `spool.dir` until it has an outcome, so a crash,
   * `kill -9` or OOM kill loses nothing: the next client started on the directory delivers what
   * was left, first, with the original messageIds and timestamps (README, "Durability").
   * @default undefined (messages live in memory only)
   */
  spool?: SpoolOptions
}

/**
 * The Node client. With a `plan` (from `defineTrackingPlan()`), `track()`, `identify()` and
 * `group()` are typed and checked by it; `P` is inferred from the option.
 */
export class Analytics<P extends TrackingPlan | undefined = undefined> extends DurableCore<P> {
  #closing: Promise<void> | undefined
  readonly #spool: Spool | undefined

  constructor(options: NodeAnalyticsOptions<P>) {
    // The options are checked (ConfigError) before any file is touched; the directory is taken
    // and replayed once the client exists to queue what it holds.
    const spool = options.spool === undefined ? undefined : new Spool(options.spool)
    super(options, {
      transport: createFetchTransport(),
      library: LIBRARY,
      timers: unrefTimers,
      store: spool,
      options: ['flushOnExit', 'spool'],
      encodeBody,
      describeNetworkError,
      checkConnection,
    })
    // The node:http transport sizes its keep-alive Agents to the client's maxInFlight.
    const transport = options.transport as Partial<HttpTransport> | undefined
    transport?.[SIZE_TRANSPORT]?.(this.settings.maxInFlight)
    this.#spool = spool
    spool?.open(
      { enqueueStored: (stored) => this.enqueueStored(stored), dropOldest: (where, error) => this.scheduler.failOldestWhile(where, error) },
      this.logger,
    )
    if (options.flushOnExit !== false) registerForExit(this)
  }

  /** The spool's counters (README, "Durability"); undefined without the `spool` option. */
  get spool(): SpoolStats | undefined {
    return this.#spool?.stats
  }

  /**
   * As in the core; in Node the process also stays alive until it settles, retry waits included.
   * With a spool, it also waits for what an earlier process left (the messages queued at start,
   * and any the queue could not hold yet) to have an outcome.
   */
  override flush(): Promise<void> {
    const flushing = this.#spool ? this.#flushWithReplay(this.#spool) : super.flush()
    keepAliveUntil(flushing)
    return flushing
  }

  async #flushWithReplay(spool: Spool): Promise<void> {
    // Replayed messages queued while a flush waited came after its mark: flush again for them.
    for (let replayed = -1; replayed !== spool.counts.replayed || (spool.replaying && !this.closed); ) {
      replayed = spool.counts.replayed
      await super.flush()
    }
  }

  /**
   * As in the core; in Node the process also stays alive until the drain ends. With a spool, the
   * files are then written out and closed; what still has no outcome (failed with `deadline`)
   * stays in the spool for the next start.
   */
  override close(options?: CloseOptions): Promise<void> {
    const spool = this.#spool
    if (!spool) {
      const closing = super.close(options)
      keepAliveUntil(closing)
      return closing
    }
    this.#closing ??= super.close(options).then(() => spool.close())
    keepAliveUntil(this.#closing)
    return this.#closing
  }

  /** As in the core; in Node the process also stays alive until it settles. */
  override drain(options?: CloseOptions): Promise<void> {
    const draining = super.drain(options)
    keepAliveUntil(draining)
    return draining
  }

  /** @internal Called on process 'exit' when messages could not be delivered. */
  warnUndelivered(): void {
    const where = this.#spool
      ? `they stay in the spool ${this.#spool.settings.dir} for the next start`
      : 'await analytics.close() before exit'
    this.logger.warn(`process exiting with ${this.pending} undelivered message(s); ${where}`)
  }
}
