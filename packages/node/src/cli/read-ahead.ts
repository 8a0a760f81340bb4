/**
 * How far `import` reads ahead of what has an outcome (issue 22, bug 3). Reading pauses at `high`
 * and goes on below `low`, counted in lines and in bytes: enough to keep every request slot busy
 * with one more batch ready, and never so much that the client's queue refuses a line
 * (`queue_full`), which the import would take for a delivery failure. Bytes matter because the API
 * takes at most 500 kB a request: 5,000 lines of 30 kB are 150 MB, past the client's
 * `maxQueueBytes`, while 5 requests carry at most 2.5 MB of them.
 */
import { MAX_BATCH_BYTES } from '@cdp-analytics/core'

/** The client's queue bounds (options of the same names). */
export interface QueueBounds {
  maxQueueSize: number
  maxQueueBytes: number
}

/**
 * The bounds the import gives its client (the client's defaults, stated here so that the
 * read-ahead is derived from the same numbers the client enforces).
 */
export const IMPORT_QUEUE: QueueBounds = { maxQueueSize: 100_000, maxQueueBytes: 128 * 1024 * 1024 }

export interface Watermarks {
  high: number
  low: number
}

export interface ReadAhead {
  /** Lines waiting for an outcome (queued or on the wire). */
  lines: Watermarks
  /** UTF-8 bytes of those lines. */
  bytes: Watermarks
}

/**
 * The read-ahead for requests of `batchSize` messages, `inFlight` at once, within `queue`.
 * Lines: `inFlight + 1` batches, at most `maxQueueSize` (the queue counts only what is not on the
 * wire, so this is a bound with room to spare). Bytes: `inFlight + 1` requests of the API's
 * largest body, at most half of `maxQueueBytes` (a message is its line plus the fields the client
 * adds: ids, timestamp, `context.library`). Pure, tested as a table.
 */
export function readAhead(batchSize: number, inFlight: number, queue: QueueBounds = IMPORT_QUEUE): ReadAhead {
  const lines = Math.min((inFlight + 1) * batchSize, queue.maxQueueSize)
  const bytes = Math.min((inFlight + 1) * MAX_BATCH_BYTES, Math.floor(queue.maxQueueBytes / 2))
  return {
    // Go on once a batch has settled (or a share of the bound, when one batch is most of it);
    // `low` is at least 1: reading goes on at the latest when nothing waits.
    lines: { high: lines, low: Math.max(lines - Math.min(batchSize, Math.floor(lines / (inFlight + 1))), 1) },
    bytes: { high: bytes, low: Math.max(bytes - Math.floor(bytes / (inFlight + 1)), 1) },
  }
}
