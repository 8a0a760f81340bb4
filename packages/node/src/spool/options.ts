/** The `spool` option of the Node client: every field, its default, and the check. */
import { ConfigError } from '@cdp-analytics/core'

export interface SpoolOptions {
  /**
   * The spool's directory, created when missing. One client (one process) per directory: a second
   * one gets a `ConfigError`. Required.
   */
  dir: string
  /**
   * Bytes the spool's segment files may take together, at most. A segment is deleted once every
   * message in it has an outcome, so delivered messages count until their segment goes.
   * @default 1073741824 (1 GiB)
   */
  maxBytes?: number
  /**
   * Over `maxBytes`: `'drop_newest'` refuses the call (`queue_full`); `'drop_oldest'` drops the
   * oldest segment whose messages are still waiting (each gets a `queue_full` outcome) to make room.
   * @default 'drop_newest'
   */
  whenFull?: 'drop_newest' | 'drop_oldest'
  /**
   * When written bytes are forced to the disk (fdatasync): `'interval'` every `syncIntervalMs`;
   * `'always'` before any request carries them; `'never'` leaves it to the operating system.
   * Whatever the mode, a call's message is written (`write(2)`) by the end of the event-loop
   * turn it was made in, so a crash or `kill -9` of the process loses nothing; the mode decides
   * what a power loss or kernel crash can take.
   * @default 'interval'
   */
  sync?: 'interval' | 'always' | 'never'
  /** Milliseconds between syncs with `sync: 'interval'`. @default 100 */
  syncIntervalMs?: number
}

export interface SpoolSettings {
  dir: string
  maxBytes: number
  whenFull: 'drop_newest' | 'drop_oldest'
  sync: 'interval' | 'always' | 'never'
  syncIntervalMs: number
  /** A segment is closed for appends at this size (see segmentBytesFor). */
  segmentBytes: number
}

export const DEFAULT_MAX_BYTES = 1024 ** 3

/**
 * Segments are closed at 4 MiB (Segment's mobile SDKs close their files at ~475 kB, Vector's at
 * 128 MB): small enough that delivered messages free their space soon and a damaged file costs
 * little, large enough that a burst of 100k messages makes ~15 files, not thousands. With a small
 * `maxBytes` a segment is at most an eighth of it, so `drop_oldest` always has a whole segment to drop.
 */
export function segmentBytesFor(maxBytes: number): number {
  return Math.max(64 * 1024, Math.min(4 * 1024 * 1024, Math.floor(maxBytes / 8)))
}

export function resolveSpoolOptions(options: SpoolOptions): SpoolSettings {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('spool: must be an object such as { dir: "/var/lib/my-app/cdp-spool" }')
  const { dir, maxBytes = DEFAULT_MAX_BYTES, whenFull = 'drop_newest', sync = 'interval', syncIntervalMs = 100 } = options
  if (typeof dir !== 'string' || dir.trim() === '') throw new ConfigError('spool.dir: required, the directory to keep messages in')
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 64 * 1024)
    throw new ConfigError(`spool.maxBytes: must be a whole number of bytes, at least 65536 (got ${String(maxBytes)})`)
  if (whenFull !== 'drop_newest' && whenFull !== 'drop_oldest')
    throw new ConfigError(`spool.whenFull: must be 'drop_newest' or 'drop_oldest' (got ${String(whenFull)})`)
  if (sync !== 'interval' && sync !== 'always' && sync !== 'never')
    throw new ConfigError(`spool.sync: must be 'interval', 'always' or 'never' (got ${String(sync)})`)
  if (!Number.isFinite(syncIntervalMs) || syncIntervalMs <= 0)
    throw new ConfigError(`spool.syncIntervalMs: must be a positive number of milliseconds (got ${String(syncIntervalMs)})`)
  return { dir, maxBytes, whenFull, sync, syncIntervalMs, segmentBytes: segmentBytesFor(maxBytes) }
}
