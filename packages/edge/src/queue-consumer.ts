/**
 * Delivery through Cloudflare Queues, the consumer side: a Worker's `queue()` handler that hands
 * the Queue's messages to a core client through `enqueueStored()`, the one loop of every durable
 * path (a replayed spool and a Redis Streams forwarder use it too). So the Queue gets what they get:
 * requests packed up to the API's 500,000 bytes, the request builder, gzip, the isolation of a
 * message the API refuses (its request goes again in halves, so one bad message no longer fails
 * its neighbours), and the retry policy, which here decides while the Queue carries it out.
 *
 * One attempt per invocation (the client's `maxRetries` is 0): what fails for a reason a retry can
 * fix goes back to the Queue with `retry({ delaySeconds })`, the policy's delay for the Queue
 * message's `attempts` (a longer `Retry-After` wins), and the Queue's `max_retries` bounds the
 * rounds; nothing sleeps in the invocation. Each message's outcome means for its Queue message what
 * the core's `storedAction` says: a Queue message is acknowledged once every message in it was
 * delivered or refused for itself (handed to `onRejected`); if any of them is to go round again,
 * the whole Queue message is retried (the API de-duplicates the delivered ones by `messageId`).
 * Refusals that name the configuration (401, 403, 404, a redirect, 501/505, a URL fetch refuses)
 * are retried with the longest delay, so that after `max_retries` they land in the dead-letter
 * queue and can be replayed once the key or endpoint is fixed.
 */
import {
  type AnalyticsError,
  createFetchTransport,
  DurableCore,
  decideAttempt,
  checkConnection,
  encodeBody,
  type Logger,
  MAX_MESSAGE_BYTES,
  type Message,
  type MessageStore,
  type RetrySettings,
  storedAction,
  type Transport,
  utf8Length,
} from '@cdp-analytics/core'
import type { QueueBatch, QueuedBatch, QueueMessage } from './queue.js'
import { LIBRARY } from './version.js'

/** Messages the consumer did not deliver and will not retry. */
export interface QueueRejection {
  /**
   * `rejected`: the API refused the message for itself (400, 413, other 4xx, on its own after the
   * split), acknowledged. `malformed`: a Queue message or an entry in it that is no message of
   * this SDK (or over 32,000 bytes), never sent. Reported once per Queue message, when it is
   * acknowledged: a whole malformed Queue message at once; entries beside good messages once
   * those are delivered or refused, not on each redelivery (a Queue message that ends in the
   * dead-letter queue takes them along, as it holds them).
   */
  reason: 'rejected' | 'malformed'
  /** HTTP status, for `rejected`. */
  status?: number
  detail: string
  /** The messages (for `malformed`, whatever the Queue message held). */
  messages: unknown[]
}

export interface QueueConsumerOptions<Env = unknown> {
  /** API key of your Customer.io HTTP source, or a function of `env` (a secret lives there). Required. */
  writeKey: string | ((env: Env) => string)
  /** Base URL of the API (or a function of `env`); requests go to `${endpoint}/v1/batch`. @default 'https://cdp.customer.io' */
  endpoint?: string | ((env: Env) => string | undefined)
  /** Per-request timeout in ms. @default 10000 */
  timeout?: number
  /**
   * Delay in ms before the Queue redelivers a message on its attempt number `attempt` (1-based),
   * before jitter; a server's `Retry-After` wins when longer. Sent as whole seconds. @default 1 s doubling per attempt
   */
  retryBackoff?: (attempt: number) => number
  /** Longest redelivery delay in ms, `Retry-After` included (Queues allow 12 hours). @default 300000 (5 minutes) */
  maxRetryDelay?: number
  /** Gzip request bodies of 1 KiB and more through `CompressionStream`. @default false */
  compress?: boolean
  /**
   * Called for messages acknowledged without delivery (see {@link QueueRejection}); awaited. To keep
   * them, send them to a queue of your own here. @default logs an error through `logger`
   */
  onRejected?: (rejection: QueueRejection, env: Env) => void | Promise<void>
  /** @default console */
  logger?: Logger
  /** Replace how requests are sent. @default the core's fetch transport */
  transport?: Transport
}

/** The `queue()` handler `createQueueConsumer` returns. */
export type QueueHandler<Env = unknown> = (batch: QueueBatch, env: Env, ctx?: unknown) => Promise<void>

/** One Queue message in an invocation: what it holds, and what its messages' outcomes decided. */
interface Unit {
  message: QueueMessage
  entries: Entry[]
  /** Entries that are no message: reported when the Queue message is acknowledged (issue 22). */
  malformed: unknown[]
  /** Messages the API refused for themselves, reported when it is acknowledged. */
  rejected: { message: Message; error: AnalyticsError }[]
  /** Set when the Queue message goes round again: the longest delay its messages need, in ms. */
  retryIn?: number
}

/** One message of a Unit, the token the client hands back with its outcome. */
interface Entry {
  unit: Unit
  message: Message
  json: string
  bytes: number
  /** The policy's redelivery delay after its last request, when that request failed retryably. */
  delay?: number
}

/** Every request of an invocation at once: a full Queue batch (100 × 128 KB) makes about 26. */
const MAX_IN_FLIGHT = 64

/**
 * The `queue()` handler of the consumer Worker (see the top of this file for what it does with each
 * answer). Options it cannot use throw a `ConfigError` here; a `writeKey` or `endpoint` function
 * that gives an unusable value leaves the batch to the Queue (retried, then dead-lettered) and logs why.
 *
 * ```ts
 * export default { queue: createQueueConsumer({ writeKey: (env: Env) => env.CDP_WRITE_KEY }) }
 * ```
 */
export function createQueueConsumer<Env = unknown>(options: QueueConsumerOptions<Env>): QueueHandler<Env> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createQueueConsumer(options): options must be an object')
  const { writeKey, endpoint } = options
  if (typeof writeKey !== 'string' && typeof writeKey !== 'function') {
    throw new TypeError('createQueueConsumer: writeKey is required (a string, or a function of env)')
  }
  const logger = options.logger ?? console
  const transport = options.transport ?? createFetchTransport()
  // The Queue counts attempts and dead-letters after max_retries; the core's policy only decides.
  const retry: RetrySettings = {
    maxRetries: Number.POSITIVE_INFINITY,
    backoff: options.retryBackoff ?? ((attempt) => 1000 * 2 ** (attempt - 1)),
    maxRetryDelay: options.maxRetryDelay ?? 300_000,
  }
  // What does not depend on env is checked now, by the clients' own checks (a ConfigError naming it).
  new DurableCore(
    {
      writeKey: typeof writeKey === 'string' ? writeKey : 'a-write-key-from-env',
      endpoint: typeof endpoint === 'string' ? endpoint : undefined,
      timeout: options.timeout,
      compress: options.compress,
      maxRetryDelay: options.maxRetryDelay,
      retryBackoff: options.retryBackoff,
    },
    { transport, library: LIBRARY, checkConnection },
  )
  /** The client of one invocation: its store and transport see that invocation's messages. */
  const clientFor = (key: string, base: string | undefined, store: MessageStore, through: Transport) =>
    new DurableCore(
      {
        writeKey: key,
        endpoint: base,
        timeout: options.timeout,
        compress: options.compress,
        logger: options.logger,
        // One attempt here; the Queue redelivers. No delay either: a rate limit must not hold the
        // invocation (the Queue message waits it out instead).
        maxRetries: 0,
        maxRetryDelay: 0,
        maxInFlight: MAX_IN_FLIGHT,
      },
      // No timers (an invocation flushes once), and no requests before that flush.
      { transport: through, library: LIBRARY, encodeBody, checkConnection, intervalFlush: false, flushOnCount: false, store },
    )

  const report = async (rejection: QueueRejection, env: Env) => {
    try {
      if (options.onRejected) await options.onRejected(rejection, env)
      else
        logger.error(
          `cdp-analytics queue consumer: ${rejection.messages.length} messages not delivered (${rejection.reason}): ${rejection.detail}`,
        )
    } catch (error) {
      logger.error('cdp-analytics queue consumer: onRejected threw', error)
    }
  }

  return async (batch, env) => {
    const reports: Promise<void>[] = []
    const units: Unit[] = []
    for (const message of batch.messages) {
      const unit = readUnit(message)
      if (unit.entries.length > 0) units.push(unit)
      else {
        message.ack()
        reports.push(report(malformed(unit.malformed), env))
      }
    }
    if (units.length > 0) {
      const key = typeof writeKey === 'function' ? writeKey(env) : writeKey
      const problem = await deliver(units, key, typeof endpoint === 'function' ? endpoint(env) : endpoint)
      if (problem) logger.error(`cdp-analytics queue consumer: ${problem}; messages are retried, then dead-lettered`)
      for (const unit of units) {
        if (unit.retryIn !== undefined) {
          unit.message.retry({ delaySeconds: seconds(unit.retryIn) })
          continue
        }
        unit.message.ack()
        if (unit.malformed.length > 0) reports.push(report(malformed(unit.malformed), env))
      }
      for (const rejection of rejectionsOf(units)) reports.push(report(rejection, env))
    }
    await Promise.all(reports)
  }

  /**
   * Sends the units' messages through a client made for this invocation and records each one's
   * outcome on its unit. Returns what stops every message alike (a key, an endpoint), if anything did.
   */
  async function deliver(units: readonly Unit[], key: string, base: string | undefined): Promise<string | undefined> {
    const stopAll = (problem: string) => {
      for (const unit of units) unit.retryIn = retry.maxRetryDelay
      return problem
    }
    let stopped: string | undefined
    const store: MessageStore = {
      accept: () => undefined, // this client takes no calls, only stored messages
      settled(items, error) {
        const action = storedAction(error)
        if (action === 'stop') stopped ??= error!.message
        for (const item of items) {
          const entry = item.stored as Entry
          const { unit } = entry
          if (action === 'dead-letter') unit.rejected.push({ message: entry.message, error: error! })
          else if (action !== 'ack') {
            const delay = action === 'stop' ? retry.maxRetryDelay : (entry.delay ?? backoffFor(unit.message.attempts))
            unit.retryIn = Math.max(unit.retryIn ?? 0, delay)
          }
        }
      },
    }
    // Each request that fails retryably leaves the policy's delay on the messages it carried.
    const recording: Transport = {
      async send(request) {
        const result = await transport.send(request)
        const entries = (request.messages ?? []).map((item) => item.stored as Entry)
        const attempts = Math.max(1, ...entries.map((entry) => entry.unit.message.attempts))
        const outcome = decideAttempt(result, attempts, retry, Date.now(), Math.random())
        if (outcome.action === 'retry') for (const entry of entries) entry.delay = outcome.delay
        return result
      },
    }
    let client: DurableCore
    try {
      client = clientFor(key, base, store, recording)
    } catch (error) {
      // The writeKey or endpoint function gave nothing usable: nothing can be sent.
      return stopAll(`${(error as Error).message} (from the writeKey or endpoint function)`)
    }
    client.on('failed', () => undefined) // reported here (onRejected, the log), not as "unhandled"
    for (const unit of units) {
      for (const entry of unit.entries) {
        // Refused only when the JSON is no message after all (no type or timestamp).
        if (client.enqueueStored({ json: entry.json, bytes: entry.bytes, token: entry })) unit.malformed.push(entry.message)
      }
    }
    await client.flush()
    return stopped === undefined ? undefined : stopAll(stopped)
  }

  function backoffFor(attempts: number): number {
    return Math.min(retry.maxRetryDelay, retry.backoff(attempts))
  }
}

/** What is no message, reported as such. (A function: a module-level template would stay in every worker bundle.) */
function malformed(messages: unknown[]): QueueRejection {
  return { reason: 'malformed', detail: `not a message of createQueueTransport, or over ${MAX_MESSAGE_BYTES} bytes`, messages }
}

/** A Queue message as its sendable messages and whatever in it is none. */
function readUnit(message: QueueMessage): Unit {
  const unit: Unit = { message, entries: [], malformed: [], rejected: [] }
  const body = message.body as Partial<QueuedBatch> | undefined
  if (typeof body !== 'object' || body === null || body.v !== 1 || !Array.isArray(body.batch)) {
    unit.malformed.push(body)
    return unit
  }
  for (const entry of body.batch) {
    const json = typeof entry === 'object' && entry !== null && typeof entry.messageId === 'string' ? JSON.stringify(entry) : undefined
    const bytes = json === undefined ? 0 : utf8Length(json)
    if (json === undefined || bytes > MAX_MESSAGE_BYTES) unit.malformed.push(entry)
    else unit.entries.push({ unit, message: entry, json, bytes })
  }
  return unit
}

/** What the API refused, of the Queue messages acknowledged: one rejection per refused request. */
function rejectionsOf(units: readonly Unit[]): QueueRejection[] {
  const byError = new Map<AnalyticsError, QueueRejection>()
  for (const unit of units) {
    if (unit.retryIn !== undefined) continue // refused again on its redelivery, and reported then
    for (const { message, error } of unit.rejected) {
      let rejection = byError.get(error)
      if (!rejection) {
        const status = (error as { status?: number }).status
        rejection =
          error.reason === 'rejected'
            ? { reason: 'rejected', ...(status === undefined ? {} : { status }), detail: error.message, messages: [] }
            : { reason: 'malformed', detail: error.message, messages: [] }
        byError.set(error, rejection)
      }
      rejection.messages.push(message)
    }
  }
  return [...byError.values()]
}

/** Queues take whole seconds. */
function seconds(ms: number): number {
  return Math.min(43_200, Math.max(0, Math.ceil(ms / 1000)))
}
