/** The forwarder's public face: what `createRedisStreamForwarder` returns, its stats and how it ended. */
import type { AnalyticsError, DurableStats } from '@cdp-analytics/core'

export interface RedisStreamForwarderStats {
  /** New entries read (`XREADGROUP >`). */
  read: number
  /** Entries taken again: from a forwarder that died (`XAUTOCLAIM`), this consumer's own earlier ones, or another round. */
  claimed: number
  /** Entries the API accepted, acknowledged and deleted. */
  delivered: number
  /** Entries moved to the dead-letter stream. */
  deadLettered: number
  /** Entries read and not yet settled. */
  held: number
  /** Redis commands that failed (each retried). */
  redisErrors: number
  /** The client that sends to the API: requests, retries, failures by reason. */
  api: DurableStats
}

/** How a forwarder ended: `stop()`, or a configuration the API refuses (401, 403, 404...). */
export type ForwarderEnd = { reason: 'stopped' } | { reason: 'failed'; error: AnalyticsError }

export interface RedisStreamForwarder {
  /** Creates the group when missing (`XGROUP CREATE … 0 MKSTREAM`), opens the reading connection and starts forwarding. */
  start(): Promise<void>
  /**
   * Stops reading, delivers what it holds (at most `stopTimeout`), acknowledges it, hands what is
   * left back to the group (claimable at once, its delivery count unchanged) and returns. Runs once.
   */
  stop(): Promise<void>
  /** Settles when the forwarder has stopped, by `stop()` or by a configuration error (never rejects). */
  readonly done: Promise<ForwarderEnd>
  readonly stats: RedisStreamForwarderStats
  /** This forwarder's consumer name in the group. */
  readonly consumer: string
}
