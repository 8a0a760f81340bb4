/**
 * The browser client: the core with the browser transport (transport.ts), the core's own batching
 * and retry policy and timers, and what a page needs besides (issue 21):
 *
 * - Leaving: on `pagehide` (by beacon: transport.ts), and on `visibilitychange` to hidden (a tab
 *   switch, or a mobile browser that may kill the page without a `pagehide`), everything queued is
 *   sent at once; while the page is hidden, from the start for a page opened in a background tab,
 *   what does not ride on a keepalive request is kept in localStorage (keeper.ts).
 *   Never `unload` (it keeps the page out of the back/forward cache) nor `beforeunload`.
 * - Coming back: a page restored from the back/forward cache or made visible again removes what
 *   it kept (its queue still holds it); nothing else changes, so batching goes on as before (no
 *   "unloaded" flag to get stuck, analytics-next#783).
 * - Starting: the client takes what earlier pages of this origin kept for its write key and sends
 *   it with the original JSON (messageIds included, so the API de-duplicates).
 * - Identity: identity.ts.
 */
import { type AnalyticsOptions, ConfigError, DurableCore, type TrackingPlan } from '@cdp-analytics/core'
import { nanoid } from 'nanoid'
import { IDENTITY_STORAGES, type IdentityStorage, loadAnonymousId, saveAnonymousId } from './identity.js'
import { Keeper } from './keeper.js'
import { OUTBOX_PREFIX, takeOutboxes } from './outbox.js'
import { createBrowserTransport } from './transport.js'
import { LIBRARY } from './version.js'

export interface BrowserAnalyticsOptions<P extends TrackingPlan | undefined = undefined> extends AnalyticsOptions<P> {
  /**
   * Keep the messages that cannot leave before the page goes (over the keepalive budget) in
   * localStorage, up to 1 MB, for the next page of this origin that starts a client with the same
   * write key; `false` keeps nothing. @default true
   */
  persist?: boolean
  /**
   * Where the anonymousId filled into calls without `userId` and `anonymousId` is kept:
   * `'memory'` for this page only (nothing is written), `'localStorage'` or `'cookie'`
   * (`cdp_anonymous_id`, one year, SameSite=Lax) across pages, `false` for none (such calls fail
   * `invalid`). @default 'memory'
   */
  identity?: IdentityStorage
}

type CallName = 'identify' | 'track' | 'page' | 'screen' | 'group'
const IDENTIFIED_CALLS: readonly CallName[] = ['identify', 'track', 'page', 'screen', 'group']

/**
 * The browser client. With a `plan` (from `defineTrackingPlan()`), `track()`, `identify()` and
 * `group()` are typed and checked by it; `P` is inferred from the option.
 */
export class Analytics<P extends TrackingPlan | undefined = undefined> extends DurableCore<P> {
  /** The messages kept for the next page, unless `persist: false`. */
  #keeper: Keeper | undefined
  #identity: IdentityStorage
  #anonymousId: string | undefined

  constructor(options: BrowserAnalyticsOptions<P>) {
    const writeKey = String(options?.writeKey)
    const prefix = `${OUTBOX_PREFIX}${writeKey}:`
    const keeper = options?.persist === false ? undefined : new Keeper(prefix + nanoid(10))
    const transport = createBrowserTransport(writeKey, keeper && ((jsons, riding) => keeper.ride(jsons, riding)))
    super(options, {
      transport,
      library: LIBRARY,
      store: keeper,
      options: ['persist', 'identity'],
    })
    if (options.compress) throw new ConfigError('compress is not available in the browser: gzip costs a CORS preflight')
    const identity = options.identity ?? 'memory'
    if (!IDENTITY_STORAGES.includes(identity))
      throw new ConfigError(`identity must be 'localStorage', 'cookie', 'memory' or false (got ${String(identity)})`)
    this.#keeper = keeper
    this.#identity = identity
    this.#anonymousId = loadAnonymousId(identity, nanoid)
    for (const name of IDENTIFIED_CALLS) {
      const call = this[name] as (params: unknown, callback?: unknown) => void
      ;(this as Record<CallName, unknown>)[name] = (params: unknown, callback?: unknown) =>
        call.call(this, this.#identified(params), callback)
    }
    if (keeper) {
      keeper.warn = (text) => this.logger.warn(text)
      this.#restore(prefix, keeper)
    }
    if (typeof document === 'object') {
      // pageshow also fires on load, whether the tab is visible or not.
      const visibility = () => (document.visibilityState === 'hidden' ? this.#leave() : keeper?.show())
      addEventListener('pagehide', () => {
        transport.leaving = true
        this.#leave()
      })
      addEventListener('pageshow', () => {
        transport.leaving = false
        visibility()
      })
      document.addEventListener('visibilitychange', visibility)
      // A page may start hidden (opened in a background tab, prerendered) and be killed there.
      visibility()
    }
  }

  /** The anonymousId filled into calls without `userId` and `anonymousId`; undefined with `identity: false`. */
  get anonymousId(): string | undefined {
    return this.#anonymousId
  }

  /** A new anonymousId (for example on logout), saved where `identity` says. */
  reset(): void {
    if (!this.#identity) return
    this.#anonymousId = nanoid()
    saveAnonymousId(this.#identity, this.#anonymousId)
  }

  #identified(params: unknown): unknown {
    const fields = params as { userId?: unknown; anonymousId?: unknown } | null
    if (!this.#anonymousId || typeof fields !== 'object' || !fields || fields.userId !== undefined || fields.anonymousId !== undefined)
      return params
    return { ...fields, anonymousId: this.#anonymousId }
  }

  /** The page may be going: send everything now, and keep what cannot ride on a keepalive request. */
  #leave(): void {
    void this.flush()
    this.#keeper?.hide()
  }

  /** Queues what earlier pages kept for this write key, as it was serialized. */
  #restore(prefix: string, keeper: Keeper): void {
    const { messages, damaged } = takeOutboxes(prefix)
    let refused = damaged
    for (const json of messages) {
      if (this.enqueueStored({ json })) refused++
      else keeper.pending.add(json)
    }
    if (refused) this.logger.warn(`${refused} kept message(s) dropped: damaged, or queue full`)
    // Old already: no need to wait for flushAt or flushInterval.
    if (messages.length > refused) void this.flush()
  }
}
