/**
 * Durable paths share one loop (issue 18): a store keeps messages, the core delivers them with its
 * own batching and retry policy, and each message's final outcome goes back to the store, which
 * then forgets it. The Node spool, a Redis Streams forwarder (issue 19) and the Cloudflare Queue
 * consumer are its stores; `storedAction` says what an outcome means for a record. Runtime-neutral:
 * no Node built-ins here, the store brings its own I/O.
 *
 * Two ways in:
 * - A call (`track()` ...) that the client accepts is handed to {@link MessageStore.accept} of the
 *   runtime's store, synchronously, before the call returns.
 * - A message that a store already holds (written by an earlier process, or read from a stream)
 *   enters through `client.enqueueStored()` ({@link StoredMessage}), with its original JSON.
 *
 * Either way, every message later reaches {@link MessageStore.settled} exactly once with its outcome
 * in this process, as well as the `delivered` / `failed` events, the stats and its callback.
 */
import type { QueuedMessage } from './batch.js'
import { type AnalyticsError, ValidationError } from './errors.js'
import type { Callback, Message } from './types.js'

/** What a store sees of a queued message. */
export type StoreItem = Readonly<Pick<QueuedMessage, 'json' | 'bytes'>> & { stored?: unknown }

/** A durable store of messages, given to the core by a runtime adapter (`Runtime.store`). */
export interface MessageStore {
  /**
   * A call was accepted: keep its JSON (`item.json`, `item.bytes` UTF-8 bytes) and set
   * `item.stored` to whatever finds its record again. Returning an error refuses the call with it
   * (a `QueueFullError` when the store is full). Runs on the hot path of every call: cheap, no I/O
   * wait (buffer and write at the end of the turn).
   */
  accept(item: StoreItem): AnalyticsError | undefined
  /**
   * These messages have their outcome in this process: delivered (`error` undefined) or failed
   * with `error.reason`. Called once per message, accepted or stored alike. A store decides which
   * failures it keeps for a later process (the spool keeps `deadline`: close() ran out of time).
   */
  settled(items: readonly StoreItem[], error: AnalyticsError | undefined): void
  /**
   * Awaited before each attempt to send these messages, when defined and it returns a promise
   * (the spool's `sync: 'always'` fsyncs here, so nothing is sent that a power loss could undo).
   */
  beforeSend?(items: readonly StoreItem[]): Promise<void> | undefined
}

/** A message a store already holds, entering the queue through `client.enqueueStored()`. */
export interface StoredMessage {
  /**
   * The message's JSON exactly as a client serialized it (`messageId`, `timestamp` and context
   * as they were when the call was made): it is sent as it is, never rebuilt.
   */
  json: string
  /** UTF-8 length of `json` in bytes, when the store knows it (saves counting). */
  bytes?: number
  /** Handed back to the runtime's store with the outcome, as `stored` (which record this is). */
  token?: unknown
  /** Called once with the message's outcome, as a call's callback is. */
  onOutcome?: Callback
}

/** The keys every message has at its top level, as its JSON writes them (a foreign producer may add spaces). */
const MESSAGE_KEYS = [/"type"\s*:\s*"/, /"messageId"\s*:\s*"/, /"timestamp"\s*:\s*"/]

/**
 * Whether a stored JSON text looks like a message, without parsing it: an object holding `type`,
 * `messageId` and `timestamp` strings. The cheap guard of `enqueueStored()` when nothing needs the
 * message object: parsing every message cost a Redis forwarder a fifth of its CPU (issue 19).
 * What it lets through that JSON.parse would refuse (a damaged middle) is refused by the API with
 * a 400 and isolated by splitting the batch, so it still fails alone, with reason `rejected`.
 */
export function checkStored(json: string): ValidationError | undefined {
  if (json.charCodeAt(0) !== 123 || json.charCodeAt(json.length - 1) !== 125) {
    return new ValidationError('stored message: not JSON', 'stored', '')
  }
  for (const key of MESSAGE_KEYS) {
    if (!key.test(json)) return new ValidationError('stored message: no type, messageId or timestamp', 'stored', 'messageId')
  }
  return undefined
}

/**
 * A stored JSON text as a message, or why it is none. Stores check their own bytes (the spool's
 * checksums); this guards the API from what is not a message at all, so one bad record fails
 * alone instead of a whole batch answered 400.
 */
export function parseStored(json: string): Message | ValidationError {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return new ValidationError('stored message: not JSON', 'stored', '')
  }
  const message = parsed as Partial<Message> | null
  if (
    typeof message !== 'object' ||
    message === null ||
    typeof message.type !== 'string' ||
    typeof message.messageId !== 'string' ||
    typeof message.timestamp !== 'string'
  ) {
    return new ValidationError('stored message: no type, messageId or timestamp', 'stored', 'messageId')
  }
  return message as Message
}
