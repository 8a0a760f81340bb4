/**
 * Delivery through Cloudflare Queues: a producer transport that puts each batch into a Queue
 * instead of POSTing it, and a consumer (a Worker's `queue()` handler) that re-packs the Queue's
 * batches into API requests and acknowledges per Queue message.
 *
 * What travels through the Queue: one Queue message (content type `json`) per chunk of a batch,
 * `{ "v": 1, "batch": [message, ...] }`, each message exactly as built and validated by the client
 * (its `messageId` included, so a redelivered message is the same message and the API
 * de-duplicates it). The write key never enters the Queue: only the consumer holds it.
 *
 * The consumer never splits a Queue message across API requests, so one API answer decides the
 * fate of whole Queue messages: `ack()` on 2xx, `retry({ delaySeconds })` on 429, 5xx and
 * network errors (the core's `decideAttempt`, `Retry-After` honoured), and for a request the API
 * refuses for its body (400, 413, other 4xx) `ack()` plus `onRejected`: a retry would be refused
 * again. Refusals that name the configuration (401, 403, 404, a redirect, 501/505, a URL fetch
 * refuses) are retried with the longest delay instead, so that after the Queue's `max_retries`
 * they land in the dead-letter queue and can be replayed once the key or endpoint is fixed.
 */
import {
  DEFAULT_ENDPOINT,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
  batchUrl,
  bodyText,
  decideAttempt,
  fitsInBatch,
  type Logger,
  type Message,
  type Transport,
  type TransportResult,
  utf8Length,
} from '@cdp-analytics/core'
import { createEdgeTransport } from './transport.js'

// ---------------------------------------------------------------------------------------------
// The few Cloudflare Queues types used, declared here (no dependency on @cloudflare/workers-types).

/** One message for `Queue.sendBatch()`. */
export interface QueueSendRequest<Body = unknown> {
  body: Body
  contentType?: 'text' | 'json' | 'bytes' | 'v8'
  delaySeconds?: number
}

/** A Queue producer binding (`env.CDP_QUEUE`): what `createQueueTransport` needs of it. */
export interface QueueProducer {
  sendBatch(messages: Iterable<QueueSendRequest>, options?: { delaySeconds?: number }): Promise<unknown>
}

/** One message of a consumer batch. */
export interface QueueMessage<Body = unknown> {
  readonly id: string
  readonly timestamp: Date
  readonly body: Body
  /** 1 on the first delivery. */
  readonly attempts: number
  ack(): void
  retry(options?: { delaySeconds?: number }): void
}

/** The batch a Worker's `queue(batch, env, ctx)` handler receives. */
export interface QueueBatch<Body = unknown> {
  readonly queue: string
  readonly messages: readonly QueueMessage<Body>[]
}

/** The body of one Queue message the producer writes. */
export interface QueuedBatch {
  v: 1
  batch: Message[]
}

// ---------------------------------------------------------------------------------------------
// Limits (https://developers.cloudflare.com/queues/platform/limits/): 128 KB per message,
// 100 messages and 256 KB per sendBatch. Kept below them, as the runtime counts a little framing.

/** Largest Queue message body the producer writes (JSON bytes). */
export const MAX_QUEUE_MESSAGE_BYTES = 120_000
/** Largest total of one `sendBatch` call (JSON bytes of its bodies). */
export const MAX_QUEUE_SEND_BYTES = 240_000
/** Most messages one `sendBatch` call carries. */
export const MAX_QUEUE_SEND_COUNT = 100

/**
 * Largest batch body the producer takes from the client: its Queue messages (at most 3, since no
 * message exceeds 32,000 bytes) then fit one `sendBatch` call with room to spare, so a batch
 * reaches the Queue whole or not at all. Split over several calls, a failure of a later one made
 * the client retry (and count as failed) messages an earlier one had already put in the Queue.
 */
export const MAX_QUEUE_BATCH_BYTES = 230_000

/** `{"v":1,"batch":[` + `]}` around a Queue message's messages. */
const QUEUED_ENVELOPE_BYTES = 18

// ---------------------------------------------------------------------------------------------
// Producer

export interface QueueTransportOptions {
  /** Delay every message in the Queue by this many seconds (Queues' `delaySeconds`). @default none */
  delaySeconds?: number
}

/** Why a Queue send did not finish in time. */
class QueueSendTimeout extends Error {
  constructor(ms: number) {
    super(`Queue send timed out after ${ms} ms`)
    this.name = 'QueueSendTimeout'
  }
}

/**
 * A transport for the edge client that puts each batch into a Cloudflare Queue instead of POSTing
 * it; pair it with {@link createQueueConsumer}.
 *
 * ```ts
 * const analytics = new Analytics({ writeKey: 'queue', transport: createQueueTransport(env.CDP_QUEUE), waitUntil: ctx.waitUntil.bind(ctx) })
 * ```
 *
 * A call's callback (and the `delivered` event) then means **accepted by the Queue**, not by the
 * API: the consumer reports what the API refuses. A failed `sendBatch` is a retryable network
 * error, so the client retries it with its usual backoff (`maxRetries`). The client cuts batches of
 * at most {@link MAX_QUEUE_BATCH_BYTES}, split over Queue messages of one `sendBatch` call, so each
 * batch reaches the Queue whole or not at all. The client's `writeKey` is not used
 * (nothing is sent to the API from here): keep the secret in the consumer.
 */
export function createQueueTransport(queue: QueueProducer, options: QueueTransportOptions = {}): Transport {
  if (typeof queue?.sendBatch !== 'function') {
    throw new TypeError('createQueueTransport(queue): pass the Queue producer binding, such as env.CDP_QUEUE')
  }
  const sendOptions = options.delaySeconds === undefined ? undefined : { delaySeconds: options.delaySeconds }
  return {
    maxBatchBytes: MAX_QUEUE_BATCH_BYTES,
    async send(request): Promise<TransportResult> {
      if (request.signal.aborted) return { kind: 'network-error', error: request.signal.reason, timedOut: false, aborted: true }
      try {
        const { batch } = JSON.parse(await bodyText(request.body, request.headers)) as { batch: Message[] }
        for (const sends of splitForQueue(batch)) {
          // Bounded by the request timeout and by close()'s deadline (the signal): a slow or hung
          // Queue must not hold close() past its timeout (issue 22).
          await withinLimits(queue.sendBatch(sends, sendOptions), request.timeout, request.signal)
        }
        // 202: accepted by the Queue. Every 2xx counts as delivered for the client.
        return { kind: 'response', status: 202 }
      } catch (error) {
        return { kind: 'network-error', error, timedOut: error instanceof QueueSendTimeout, aborted: request.signal.aborted }
      }
    },
  }
}

/**
 * A batch's messages as `sendBatch` calls: each Queue message at most MAX_QUEUE_MESSAGE_BYTES of
 * JSON, each call at most MAX_QUEUE_SEND_COUNT messages and MAX_QUEUE_SEND_BYTES.
 */
export function splitForQueue(messages: readonly Message[]): QueueSendRequest<QueuedBatch>[][] {
  const calls: QueueSendRequest<QueuedBatch>[][] = []
  let call: QueueSendRequest<QueuedBatch>[] = []
  let callBytes = 0
  const close = (chunk: Message[], bytes: number) => {
    if (call.length === MAX_QUEUE_SEND_COUNT || callBytes + bytes > MAX_QUEUE_SEND_BYTES) {
      calls.push(call)
      call = []
      callBytes = 0
    }
    call.push({ body: { v: 1, batch: chunk }, contentType: 'json' })
    callBytes += bytes
  }
  let chunk: Message[] = []
  let chunkBytes = QUEUED_ENVELOPE_BYTES
  for (const message of messages) {
    const bytes = utf8Length(JSON.stringify(message))
    const comma = chunk.length > 0 ? 1 : 0
    if (chunk.length > 0 && chunkBytes + comma + bytes > MAX_QUEUE_MESSAGE_BYTES) {
      close(chunk, chunkBytes)
      chunk = []
      chunkBytes = QUEUED_ENVELOPE_BYTES
    }
    chunkBytes += (chunk.length > 0 ? 1 : 0) + bytes
    chunk.push(message)
  }
  if (chunk.length > 0) close(chunk, chunkBytes)
  if (call.length > 0) calls.push(call)
  return calls
}

/** `promise`, or a rejection once `ms` have passed (QueueSendTimeout) or `signal` aborts (its reason). */
function withinLimits<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueSendTimeout(ms)), ms)
    onAbort = () => reject(signal.reason ?? new Error('aborted'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  return Promise.race([promise, cut]).finally(() => {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort!)
  })
}

// ---------------------------------------------------------------------------------------------
// Consumer

/** Messages the consumer did not deliver and will not retry. */
export interface QueueRejection {
  /**
   * `rejected`: the API refused the request for its body (400, 413, other 4xx), acknowledged.
   * `malformed`: a Queue message or an entry in it that is no message of this SDK (or over
   * 32,000 bytes), never sent. Reported once per Queue message, when it is acknowledged: a whole
   * malformed Queue message at once; entries beside good messages once those are delivered or
   * rejected, not on each redelivery (a Queue message that ends in the dead-letter queue takes
   * them along, as it holds them).
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
  /** Gzip request bodies through `CompressionStream`. @default false */
  compress?: boolean
  /**
   * Called for messages acknowledged without delivery (see {@link QueueRejection}); awaited. To keep
   * them, send them to a queue of your own here. @default logs an error through `logger`
   */
  onRejected?: (rejection: QueueRejection, env: Env) => void | Promise<void>
  /** @default console */
  logger?: Logger
  /** Replace how requests are sent. @default the edge fetch transport */
  transport?: Transport
}

/** The `queue()` handler `createQueueConsumer` returns. */
export type QueueHandler<Env = unknown> = (batch: QueueBatch, env: Env, ctx?: unknown) => Promise<void>

/** One Queue message, read. */
interface Unit {
  message: QueueMessage
  /** Its messages that can be sent. */
  messages: Message[]
  /** Their JSON joined by commas. */
  joined: string
  bytes: number
  /**
   * Entries of it that are no message, reported once the Queue message is acknowledged: reported
   * at once, they were reported again on every redelivery of the rest (issue 22).
   */
  malformed?: QueueRejection
}

/** A redelivery for a misconfigured key or endpoint waits the longest delay, then dead-letters. */
const CONFIG_STATUSES = new Set([401, 403, 404, 501, 505])

/**
 * The `queue()` handler of the consumer Worker: re-packs the Queue batch's messages into as few
 * API requests as the 500,000-byte body limit allows, sends them, and acknowledges per Queue
 * message: `ack()` on 2xx; `retry({ delaySeconds })` on 429, 5xx and network errors, honouring
 * `Retry-After`; refused bodies (400-class) are acknowledged and handed to `onRejected`, never
 * retried. The Queue's `max_retries` bounds redeliveries; set a `dead_letter_queue` to keep what
 * outlasts them.
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
  const transport = options.transport ?? createEdgeTransport({ compress: options.compress === true })
  const timeout = options.timeout ?? 10_000
  const retry = {
    // The Queue counts attempts and dead-letters after max_retries; the core's policy only decides.
    maxRetries: Number.POSITIVE_INFINITY,
    backoff: options.retryBackoff ?? ((attempt: number) => 1000 * 2 ** (attempt - 1)),
    maxRetryDelay: options.maxRetryDelay ?? 300_000,
  }
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
    const key = typeof writeKey === 'function' ? writeKey(env) : writeKey
    if (typeof key !== 'string' || key.trim() === '' || /[\r\n\0]/.test(key)) {
      // Nothing can be sent: leave the batch to the Queue (redelivered, then dead-lettered).
      logger.error('cdp-analytics queue consumer: writeKey is missing or invalid; messages are retried')
      for (const message of batch.messages) message.retry({ delaySeconds: seconds(retry.maxRetryDelay) })
      return
    }
    const url = batchUrl((typeof endpoint === 'function' ? endpoint(env) : endpoint) ?? DEFAULT_ENDPOINT)
    const headers = { 'Content-Type': 'application/json', Authorization: basicAuthorization(key) }
    // Made per invocation: workerd allows no AbortController at module scope.
    const neverAborted = new AbortController().signal

    const units: Unit[] = []
    const reports: Promise<void>[] = []
    /** Acknowledges a unit's Queue message: it is done, and so are the malformed entries it held. */
    const ack = (unit: Unit) => {
      unit.message.ack()
      if (unit.malformed) reports.push(report(unit.malformed, env))
    }
    for (const message of batch.messages) {
      const read = readUnit(message)
      if ('message' in read) units.push(read)
      else {
        message.ack()
        reports.push(report(read, env))
      }
    }

    await Promise.all(
      packUnits(units).map(async (group) => {
        const body = `{"batch":[${group.map((unit) => unit.joined).join(',')}],"sentAt":"${new Date().toISOString()}"}`
        let result: TransportResult
        try {
          result = await transport.send({ url, headers, body, timeout, signal: neverAborted })
        } catch (error) {
          result = { kind: 'network-error', error, timedOut: false }
        }
        const attempt = Math.max(...group.map((unit) => unit.message.attempts))
        const outcome = decideAttempt(result, attempt, retry, Date.now(), Math.random())
        if (outcome.action === 'delivered') {
          for (const unit of group) ack(unit)
        } else if (outcome.action === 'retry') {
          for (const unit of group) unit.message.retry({ delaySeconds: seconds(outcome.delay) })
        } else {
          const status = result.kind === 'response' ? result.status : undefined
          const detail = redact(outcome.detail, key)
          if (status === undefined || CONFIG_STATUSES.has(status) || (status >= 300 && status < 400)) {
            // The key, the endpoint or the URL is wrong for every message alike: keep them in the
            // Queue (and its dead-letter queue) until the configuration is fixed.
            logger.error(`cdp-analytics queue consumer: ${detail}; messages are retried, then dead-lettered`)
            for (const unit of group) unit.message.retry({ delaySeconds: seconds(retry.maxRetryDelay) })
            return
          }
          for (const unit of group) ack(unit)
          const messages = group.flatMap((unit) => unit.messages)
          await report({ reason: 'rejected', status, detail, messages }, env)
        }
      }),
    )
    await Promise.all(reports)
  }
}

/** A Queue message as a unit to send (with whatever in it cannot be sent), or the rejection of all of it. */
function readUnit(message: QueueMessage): Unit | QueueRejection {
  const body = message.body as Partial<QueuedBatch> | undefined
  if (typeof body !== 'object' || body === null || body.v !== 1 || !Array.isArray(body.batch)) {
    return { reason: 'malformed', detail: 'not a Queue message of createQueueTransport', messages: [body] }
  }
  const good: Message[] = []
  const jsons: string[] = []
  const wrong: unknown[] = []
  let bytes = 0
  for (const entry of body.batch) {
    const json = typeof entry === 'object' && entry !== null && typeof entry.messageId === 'string' ? JSON.stringify(entry) : undefined
    const size = json === undefined ? 0 : utf8Length(json)
    if (json === undefined || size > MAX_MESSAGE_BYTES) {
      wrong.push(entry)
      continue
    }
    good.push(entry)
    jsons.push(json)
    bytes += size
  }
  const malformed: QueueRejection = { reason: 'malformed', detail: `not a message, or over ${MAX_MESSAGE_BYTES} bytes`, messages: wrong }
  if (good.length === 0) return malformed
  const unit: Unit = { message, messages: good, joined: jsons.join(','), bytes: bytes + jsons.length - 1 }
  if (wrong.length > 0) unit.malformed = malformed
  return unit
}

/** Whole Queue messages into API requests of at most MAX_BATCH_BYTES. */
function packUnits(units: readonly Unit[]): Unit[][] {
  const groups: Unit[][] = []
  let group: Unit[] = []
  let bytes = 0
  for (const unit of units) {
    // A unit counts as one entry: the comma between two units is fitsInBatch's comma.
    if (!fitsInBatch(bytes, group.length, unit.bytes, MAX_BATCH_BYTES)) {
      groups.push(group)
      group = []
      bytes = 0
    }
    group.push(unit)
    bytes += unit.bytes
  }
  if (group.length > 0) groups.push(group)
  return groups
}

/** Queues take whole seconds. */
function seconds(ms: number): number {
  return Math.min(43_200, Math.max(0, Math.ceil(ms / 1000)))
}

function redact(text: string, secret: string): string {
  return secret.length >= 8 ? text.split(secret).join('[redacted]') : text
}

/** `Authorization: Basic base64("<writeKey>:")`, UTF-8 safe. */
function basicAuthorization(writeKey: string): string {
  const bytes = new TextEncoder().encode(`${writeKey}:`)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return `Basic ${btoa(binary)}`
}
