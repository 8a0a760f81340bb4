/**
 * A batch is the unit of sending and retrying: once cut from the queue its messages, bytes and
 * messageIds never change, so a retry after an ambiguous failure re-sends exactly the same
 * messages and the server can de-duplicate them. Only a refusal of its body (400, 413) splits it,
 * into halves that are batches of their own (deliver.ts).
 */
import { batchBodyBytes } from './limits.js'
import type { Callback, Message } from './types.js'

/** One accepted call, serialized once at enqueue. */
export interface QueuedMessage {
  /**
   * The message object, kept only when a callback will receive it. Otherwise only the JSON is
   * queued: a string is far cheaper for the garbage collector than the caller's object graph,
   * and {@link messageOf} rebuilds the object on the rare paths that need it.
   */
  message: Message | undefined
  json: string
  bytes: number
  callback: Callback | undefined
  /**
   * What the runtime's {@link MessageStore} keeps to find this message's record again (the Node
   * spool: its segment); handed back with the outcome. Undefined without a store.
   */
  stored?: unknown
}

/**
 * The message of a queued call, parsed back from its JSON when it was not kept; undefined for a
 * stored record that is not JSON after all (`checkStored` does not parse): it can only fail.
 */
export function messageOf(item: QueuedMessage): Message | undefined {
  if (item.message) return item.message
  try {
    return JSON.parse(item.json) as Message
  } catch {
    return undefined
  }
}

export class Batch {
  readonly items: QueuedMessage[] = []
  /** Sum of the messages' JSON bytes (without envelope and commas). */
  messageBytes = 0
  /** Set once its messages' outcomes have been reported to callbacks and events. */
  reported = false
  #joined: string | undefined

  /** `first`: the sequence number (position in call order) of its first message. */
  constructor(readonly first = 0) {}

  add(item: QueuedMessage): void {
    this.items.push(item)
    this.messageBytes += item.bytes
  }

  get count(): number {
    return this.items.length
  }

  /** Size of the request body on the wire, in bytes. */
  get bodyBytes(): number {
    return batchBodyBytes(this.messageBytes, this.items.length)
  }

  /**
   * The request body. The messages are joined once; a retry only renews `sentAt`
   * (must be SENT_AT_LENGTH characters, which limits.ts counts).
   */
  body(sentAt: string): string {
    if (this.#joined === undefined) {
      let joined = ''
      for (let i = 0; i < this.items.length; i++) joined += (i === 0 ? '' : ',') + this.items[i]!.json
      this.#joined = joined
    }
    return `{"batch":[${this.#joined}],"sentAt":"${sentAt}"}`
  }
}
