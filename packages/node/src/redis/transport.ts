/**
 * The producer side of Redis Streams (issue 19): a Transport that adds each message of a batch to
 * a stream instead of POSTing it. One `XADD` per message, all of a batch in one MULTI/EXEC round
 * trip, so a batch reaches the stream whole or not at all; each entry holds the message's JSON as
 * built and validated by the client (`message`) and its `messageId`. The write key never enters
 * Redis: only forwarders hold it.
 */
import { bodyText, type Transport, type TransportRequest, type TransportResult } from '@cdp-analytics/core'
import { messageIdOf } from './batch-body.js'
import { type Command, redisCommands } from './client.js'
import { DEFAULT_STREAM, maxStreamLength, type RedisStreamTransportOptions, streamKey } from './options.js'
import { RedisTimeout, within } from './within.js'

/**
 * The `XADD` of each message a request carries, its JSON as the client wrote it: from the
 * request's `messages` when the core hands them over, else from its body (`{"batch":[...]}`).
 */
export async function xaddCommands(stream: string, request: TransportRequest): Promise<Command[]> {
  const messages =
    request.messages?.map(({ json }) => ({ json, messageId: messageIdOf(json) ?? idOfParsed(json) })) ??
    messagesOfBody(await bodyText(request.body, request.headers))
  return messages.map(({ json, messageId }) => ['XADD', stream, '*', 'message', json, 'messageId', messageId])
}

/** A request without `messages` (not from the core: a transport called directly): its body, parsed. */
function messagesOfBody(body: string): { json: string; messageId: string }[] {
  return (JSON.parse(body) as { batch: { messageId?: unknown }[] }).batch.map((message) => ({
    json: JSON.stringify(message),
    messageId: String(message.messageId ?? ''),
  }))
}

/** What no scan found (JSON with spaces, from a foreign client): parsed. */
function idOfParsed(json: string): string {
  return String((JSON.parse(json) as { messageId?: unknown }).messageId ?? '')
}

/**
 * A transport for the Node client that adds every message to a Redis stream, for forwarders
 * (`createRedisStreamForwarder`, `cdp-analytics forward`) to deliver:
 *
 * ```ts
 * const analytics = new Analytics({ writeKey: 'redis', transport: createRedisStreamTransport({ redis: new Redis(url) }) })
 * ```
 *
 * A call's callback (and the `delivered` event) then means **accepted by Redis** (the `XADD`s
 * answered), not by the API: the forwarders report what the API refuses (the dead-letter stream).
 * A Redis error or a call Redis does not answer within the client's `timeout` is a retryable
 * network error (the client retries with its backoff; an `XADD` that Redis applied but did not
 * answer is then added again, with the same `messageId`, which the API de-duplicates). A stream at
 * `maxStreamLength` fails the batch with reason `queue_full`. The client's `writeKey` is not used here.
 */
export function createRedisStreamTransport(options: RedisStreamTransportOptions): Transport {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createRedisStreamTransport(options): pass { redis, stream? } with your Redis client')
  }
  const redis = redisCommands(options.redis, 'createRedisStreamTransport')
  const stream = streamKey(options.stream, 'stream', DEFAULT_STREAM)
  const bound = maxStreamLength(options.maxStreamLength)
  return {
    async send(request): Promise<TransportResult> {
      const { signal, timeout } = request
      if (signal.aborted) return { kind: 'network-error', error: signal.reason, timedOut: false, aborted: true }
      try {
        const commands = await xaddCommands(stream, request)
        if (bound !== Number.POSITIVE_INFINITY) {
          const length = Number(await within(redis.call(['XLEN', stream]), timeout, signal))
          if (length + commands.length > bound) {
            return {
              kind: 'full',
              detail: `Redis stream ${stream} is full: it holds ${length} undelivered entries and maxStreamLength is ${bound}; message dropped`,
            }
          }
        }
        await within(redis.batch(commands, true), timeout, signal)
        // Accepted by Redis. Every 2xx counts as delivered for the client.
        return { kind: 'response', status: 202 }
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error)
        return {
          kind: 'network-error',
          error: new Error(`Redis stream ${stream}: ${why}`, { cause: error }),
          timedOut: error instanceof RedisTimeout,
          aborted: signal.aborted,
        }
      }
    },
  }
}
