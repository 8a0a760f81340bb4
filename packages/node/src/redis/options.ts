/**
 * The options of the Redis Streams producer and forwarder (issue 19), with their defaults, and the
 * checks that turn a mistake into a ConfigError naming the option.
 */
import { hostname } from 'node:os'
import { type AnalyticsOptions, ConfigError, type Logger } from '@cdp-analytics/core'
import type { RedisClientLike } from './client.js'

/** The stream both sides use when not told. */
export const DEFAULT_STREAM = 'cdp:events'
/** The consumer group forwarders join when not told. */
export const DEFAULT_GROUP = 'cdp-forwarders'

export interface RedisStreamTransportOptions {
  /** Your Redis client: an ioredis instance (`new Redis(url)`) or a node-redis client (`createClient({ url })`, connected). Required. */
  redis: RedisClientLike
  /** The stream the messages are added to. @default 'cdp:events' */
  stream?: string
  /**
   * Entries the stream may hold (those not yet delivered: forwarders delete what the API accepted),
   * checked with `XLEN` before each batch: a batch that would go over it fails with reason
   * `queue_full`, as a call into a full queue does. Never trimmed with `MAXLEN`, which would drop
   * entries no forwarder has delivered. Size it to your Redis memory: an event is about 0.5–1 KB
   * there. `Infinity`: no bound (then Redis's own `maxmemory` is the limit). @default 1000000
   */
  maxStreamLength?: number
}

/** The core options a forwarder passes on to its client (how it sends to the API). */
type ForwardedClientOptions = Pick<
  AnalyticsOptions,
  | 'region'
  | 'endpoint'
  | 'timeout'
  | 'maxRetryDelay'
  | 'retryBackoff'
  | 'maxInFlight'
  | 'compress'
  | 'headers'
  | 'strictMode'
  | 'transport'
  | 'verbose'
>

export interface RedisStreamForwarderOptions extends ForwardedClientOptions {
  /** Your Redis client (ioredis or node-redis, connected); the forwarder also opens one more connection like it, for blocking reads. Required. */
  redis: RedisClientLike
  /** API key of your Customer.io HTTP source. Required. */
  writeKey: string
  /** @default 'cdp:events' */
  stream?: string
  /** The consumer group every forwarder of the stream joins (created at start, from the stream's first entry). @default 'cdp-forwarders' */
  group?: string
  /** This forwarder's name in the group; unique per process. @default `${hostname}-${pid}-${random}` */
  consumer?: string
  /** Where entries that cannot be delivered go, with their error. @default `${stream}:dead` */
  deadLetterStream?: string
  /** Entries one `XREADGROUP` (or `XAUTOCLAIM`) asks for. @default 1000 */
  readCount?: number
  /** How long one `XREADGROUP` waits for new entries, in ms. @default 2000 */
  blockMs?: number
  /**
   * Entries another forwarder has held this long (ms) without renewing them are taken over with
   * `XAUTOCLAIM`: that forwarder died. A live forwarder renews what it holds every twentieth of this
   * (API outages and retries included), so this is also how long a dead one's entries wait. @default 30000
   */
  claimIdleMs?: number
  /**
   * An entry delivered more than this many times (Redis's delivery count: each time a forwarder
   * took it and stopped without an outcome, crashed, or gave up after `maxRetries`) goes to the
   * dead-letter stream with its last error. @default 10
   */
  maxDeliveries?: number
  /** Entries held in memory at once (read, no outcome yet); reading waits while this many are held. @default 5000 */
  maxHeld?: number
  /**
   * Retries per API request. @default unlimited: a batch is retried (with the backoff and
   * `Retry-After`) until the API answers, while the stream holds the backlog. A finite number makes
   * an entry that runs out of retries wait `claimIdleMs` and go again, which counts a delivery.
   */
  maxRetries?: number
  /** How long `stop()` waits for what the forwarder holds to be delivered, in ms; the rest stays in the stream for the next forwarder. @default 10000 */
  stopTimeout?: number
  /** Where the forwarder logs. @default console */
  logger?: Logger
}

export interface ForwarderSettings {
  stream: string
  group: string
  consumer: string
  deadLetterStream: string
  readCount: number
  blockMs: number
  claimIdleMs: number
  maxDeliveries: number
  maxHeld: number
  stopTimeout: number
}

/** Retries "until the API answers": the core takes integers only. */
export const UNLIMITED_RETRIES = Number.MAX_SAFE_INTEGER

export function streamKey(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${name} must be a non-empty string (got ${JSON.stringify(value)})`)
  return value
}

function integer(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new ConfigError(`${name} must be an integer of at least ${min} (got ${JSON.stringify(value)})`)
  }
  return value as number
}

/** `maxStreamLength`: a positive integer or Infinity. */
export function maxStreamLength(value: unknown): number {
  if (value === Number.POSITIVE_INFINITY) return value
  return integer(value, 'maxStreamLength', 1_000_000, 1)
}

export function resolveForwarderOptions(options: RedisStreamForwarderOptions): ForwarderSettings {
  const stream = streamKey(options.stream, 'stream', DEFAULT_STREAM)
  return {
    stream,
    group: streamKey(options.group, 'group', DEFAULT_GROUP),
    consumer: streamKey(options.consumer, 'consumer', `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`),
    deadLetterStream: streamKey(options.deadLetterStream, 'deadLetterStream', `${stream}:dead`),
    readCount: integer(options.readCount, 'readCount', 1000, 1),
    blockMs: integer(options.blockMs, 'blockMs', 2000, 1),
    claimIdleMs: integer(options.claimIdleMs, 'claimIdleMs', 30_000, 100),
    maxDeliveries: integer(options.maxDeliveries, 'maxDeliveries', 10, 1),
    maxHeld: integer(options.maxHeld, 'maxHeld', 5000, 1),
    stopTimeout: integer(options.stopTimeout, 'stopTimeout', 10_000, 0),
  }
}
