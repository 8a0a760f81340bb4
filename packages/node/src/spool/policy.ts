/**
 * The spool's decisions, as pure functions (table tests in test/spool-format.test.ts): which outcome
 * takes a message out of the spool, when a segment file may go, and what to do when a record does
 * not fit `maxBytes`.
 */
import type { AnalyticsError } from '@cdp-analytics/core'

/**
 * Whether an outcome takes the message out of the spool. Every outcome is final but `deadline`:
 * close() ran out of time in this process, and the next process started on the directory delivers
 * the message (a rolling deploy while the API is down loses nothing).
 */
export function leavesSpool(error: AnalyticsError | undefined): boolean {
  return error?.reason !== 'deadline'
}

/**
 * Whether a segment file may be deleted: every message in it has an outcome, and nothing more will
 * be appended to it (sealed), or it is the one being appended to (the next call opens a new one).
 * Never earlier (Vector #22489, #25570).
 */
export function segmentDone(segment: { readonly open: number; readonly sealed: boolean }, isCurrent: boolean): boolean {
  return segment.open === 0 && (segment.sealed || isCurrent)
}

export type RoomDecision = 'fits' | 'refuse' | 'drop_oldest'

/** A record of `size` bytes against `maxBytes` with `bytes` in use: fits, or what `whenFull` says. */
export function roomFor(size: number, bytes: number, maxBytes: number, whenFull: 'drop_newest' | 'drop_oldest'): RoomDecision {
  if (bytes + size <= maxBytes) return 'fits'
  // A record larger than the whole spool cannot be made room for.
  return whenFull === 'drop_oldest' && size <= maxBytes ? 'drop_oldest' : 'refuse'
}
