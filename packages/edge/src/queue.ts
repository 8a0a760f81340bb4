/**
 * Delivery through Cloudflare Queues, the producer side: a transport that puts each batch into a
 * Queue instead of POSTing it (the consumer, a Worker's `queue()` handler, is queue-consumer.ts).
 *
 * What travels through the Queue: one Queue message (content type `json`) per chunk of a batch,
 * `{ "v": 1, "batch": [message, ...] }`, each message exactly as built and validated by the client
 * (its `messageId` included, so a redelivered message is the same message and the API
 * de-duplicates it). The write key never enters the Queue: only the consumer holds it.
 */
import { bodyText, type Message, type Transport, type TransportResult, utf8Length, within } from '@cdp-analytics/core'

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
          await within(queue.sendBatch(sends, sendOptions), request.timeout, (ms) => new QueueSendTimeout(ms), request.signal)
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
