/** What the spool needs of the client, and what it tells about itself (`analytics.spool`). */
import type { AnalyticsError, QueueFullError, StoreItem, StoredMessage } from '@cdp-analytics/core'

/** What the spool needs of the client. */
export interface SpoolClient {
  enqueueStored(stored: StoredMessage): AnalyticsError | undefined
  dropOldest(where: (item: StoreItem) => boolean, error: QueueFullError): number
}

export interface SpoolStats {
  dir: string
  /** Segment files in use. */
  segments: number
  /** Their bytes (records accepted this turn included). */
  bytes: number
  /** Messages in them without a final outcome. */
  unsettled: number
  /** Messages an earlier process left, queued by this one. */
  replayed: number
  /** Damaged segment files found at start, moved to `damaged/` (their intact messages kept). */
  damagedSegments: number
  /** Bytes of those that held no intact message (torn tails, corrupt records, NUL fill). */
  lostBytes: number
  /** Records with a good checksum that are no message (dropped; only a bug or tampering explains one). */
  invalidRecords: number
  /** Messages refused or dropped because of `maxBytes`, or while the disk refused writes. */
  dropped: number
  /** Writes that failed (ENOSPC, EACCES, EIO...). */
  writeErrors: number
  /** Messages accepted in a turn whose write failed: sent from memory, not on disk. */
  unwritten: number
  /** Messages that failed with `deadline` at close(), left in the spool for the next start. */
  keptForNextStart: number
}
