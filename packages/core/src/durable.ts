/**
 * The client of durable paths (issue 18): the core client plus the one way in for messages a store
 * already holds. The Node client (its spool's replay), the Redis Streams forwarder and the
 * Cloudflare Queue consumer deliver through it; the edge client extends AnalyticsCore, so a worker
 * that only tracks carries none of it.
 */
import { type AnalyticsStats, AnalyticsCore } from './client.js'
import { type AnalyticsError, ClosedError, QueueFullError } from './errors.js'
import { utf8Length } from './limits.js'
import type { TrackingPlan } from './plan.js'
import { checkStored, parseStored, type StoredMessage } from './store.js'

export interface DurableStats extends AnalyticsStats {
  /** Of `enqueued`: stored messages taken in by `enqueueStored()` (a spool's replay after a restart). */
  restored: number
}

export class DurableCore<P extends TrackingPlan | undefined = undefined> extends AnalyticsCore<P> {
  #restored = 0

  /**
   * The one way in for messages a durable store already holds (the Node spool's replay after a
   * restart; a Redis Streams forwarder): the message is queued with its original JSON, so its
   * `messageId` and `timestamp` stay as they were, and delivered with the client's batching and
   * retry policy like any call. It is not handed to `Runtime.store.accept` again (it is stored);
   * its outcome reaches `Runtime.store.settled` (with `token` as `stored`), the `delivered` /
   * `failed` events, the stats (`restored`) and `onOutcome`, exactly once.
   *
   * @returns `undefined`: accepted, an outcome follows. Otherwise it was not accepted and no outcome
   * is reported: a `QueueFullError` (the in-memory queue is at `maxQueueSize` / `maxQueueBytes`) or
   * a `ClosedError`: keep the message stored and offer it again later (or to the next process); a
   * `ValidationError`: the JSON is no message (`parseStored` with `onOutcome`, which receives the
   * message; else the cheaper `checkStored`), which only damage explains: the
   * store drops it and says so.
   */
  enqueueStored(stored: StoredMessage): AnalyticsError | undefined {
    if (this.closed) return new ClosedError('enqueueStored: the client is closed')
    const bytes = stored.bytes ?? utf8Length(stored.json)
    const full = this.scheduler.full(bytes)
    if (full) return new QueueFullError(`enqueueStored: the queue is full (${full}); keep the message stored`)
    // The message object only when onOutcome will receive it; otherwise a check without parsing.
    const message = stored.onOutcome ? parseStored(stored.json) : checkStored(stored.json)
    if (message instanceof Error) return message
    this.scheduler.add({
      message,
      json: stored.json,
      bytes,
      callback: stored.onOutcome,
      stored: stored.token,
    })
    this.#restored++
    return undefined
  }

  override get stats(): DurableStats {
    const stats = super.stats
    return { ...stats, enqueued: stats.enqueued + this.#restored, restored: this.#restored }
  }
}
