/**
 * The on-disk spool (issue 18): the client's durable store (core store.ts). The in-memory queue
 * stays the fast path; each accepted call is also appended to the current segment file by the end
 * of its event-loop turn, and a segment is deleted once every message in it has a final outcome.
 * A new process reads the segments an earlier one left (replay.ts) and queues their messages
 * before any new call.
 *
 * Outcomes: delivered, rejected by the API, out of retries, dropped as full: final, the message
 * leaves the spool. Failed by close()'s deadline: the message stays for the next start (that is the
 * point of a spool); the caller of this process saw `deadline`, the next process delivers it.
 */
import { fdatasyncSync, mkdirSync } from 'node:fs'
import { type AnalyticsError, ConfigError, type Logger, type MessageStore, QueueFullError, type StoreItem } from '@cdp-analytics/core'
import { closeQuietly, unlinkQuietly } from './files.js'
import { acquireLock, type Lock } from './lock.js'
import { leavesSpool, roomFor, segmentDone } from './policy.js'
import { resolveSpoolOptions, type SpoolOptions, type SpoolSettings } from './options.js'
import { recordSize, SEGMENT_HEADER } from './record.js'
import { Replay, type ReplayReport } from './replay.js'
import { Segment, segmentPath } from './segment.js'
import type { SpoolClient, SpoolStats } from './types.js'
import { SegmentWriter, type WriteFailure } from './writer.js'

/** After a failed write, calls are refused this long before writing is tried again. */
export const WRITE_RETRY_MS = 1000

/** Spools of this process, written out on 'exit' (process.exit() or an uncaught exception). */
const open = new Set<Spool>()
let exitHooked = false

export class Spool implements MessageStore {
  readonly settings: SpoolSettings
  #logger: Logger | undefined
  #client: SpoolClient | undefined
  #lock: Lock | undefined
  #writer: SegmentWriter | undefined
  /** Live segments, oldest first. */
  readonly segments = new Set<Segment>()
  #current: Segment | undefined
  #nextId = 1
  #bytes = 0
  #writeFailure: { code: string; until: number } | undefined
  #replay: Replay | undefined
  #syncTimer: ReturnType<typeof setInterval> | undefined
  #closed = false
  readonly counts = {
    replayed: 0,
    damagedSegments: 0,
    lostBytes: 0,
    invalidRecords: 0,
    dropped: 0,
    writeErrors: 0,
    unwritten: 0,
    keptForNextStart: 0,
  }

  /** Checks the options (a ConfigError when wrong); touches no file yet. */
  constructor(options: SpoolOptions) {
    this.settings = resolveSpoolOptions(options)
  }

  /**
   * Takes the directory (a ConfigError when another client holds it), reads what an earlier
   * process left and queues it through the client, oldest first.
   */
  open(client: SpoolClient, logger: Logger): void {
    const { dir, sync, syncIntervalMs } = this.settings
    this.#client = client
    this.#logger = logger
    try {
      mkdirSync(dir, { recursive: true })
    } catch (error) {
      throw new ConfigError(`spool.dir ${dir}: cannot create it (${(error as Error).message})`)
    }
    this.#lock = acquireLock(dir)
    const from = this.#lock.tookOverFrom
    if (from !== undefined) {
      logger.warn(
        `spool: took over ${this.#lock.path} ${from > 0 ? `from process ${from}, which is no longer running` : 'that named no process'}`,
      )
    }
    this.#writer = new SegmentWriter(
      dir,
      sync !== 'never',
      (failure) => this.#writeFailed(failure),
      () => {
        this.#writeFailure = undefined
        logger.info(`spool: writing to ${dir} works again`)
      },
    )
    open.add(this)
    hookExit()
    this.#replay = new Replay(this, client)
    try {
      this.#warnDamage(this.#replay.start())
    } catch (error) {
      // The constructor throws: let the directory go for the next attempt.
      open.delete(this)
      this.#lock.release()
      throw error
    }
    if (sync === 'interval') {
      this.#syncTimer = setInterval(() => this.#writer?.syncAll(this.segments), syncIntervalMs)
      this.#syncTimer.unref()
    }
  }

  /** The next segment id; replay sets it past the highest found. */
  set nextId(id: number) {
    this.#nextId = Math.max(this.#nextId, id)
  }

  /** @internal For replay: a segment found on disk, counted in `bytes`. */
  adopt(segment: Segment): void {
    this.segments.add(segment)
    this.#bytes += segment.bytes
  }

  accept(item: StoreItem): AnalyticsError | undefined {
    // After a failed write, calls are refused for a while; then one turn's calls try again.
    const failure = this.#writeFailure
    if (failure !== undefined && Date.now() < failure.until) {
      this.counts.dropped++
      return new QueueFullError(`spool: cannot write to ${this.settings.dir} (${failure.code}); message dropped`)
    }
    const size = recordSize(item.bytes)
    const room = roomFor(size, this.#bytes, this.settings.maxBytes, this.settings.whenFull)
    if (room !== 'fits' && (room === 'refuse' || !this.#makeRoom(size))) {
      this.counts.dropped++
      return new QueueFullError(`spool is full (maxBytes ${this.settings.maxBytes} bytes in ${this.settings.dir}); message dropped`)
    }
    this.append(item, size)
    return undefined
  }

  /** Adds a record to the current segment (opening one when needed); `item.stored` becomes it. */
  append(item: StoreItem, size = recordSize(item.bytes)): void {
    let segment = this.#current
    if (segment === undefined) {
      segment = new Segment(this.#nextId++, segmentPath(this.settings.dir, this.#nextId - 1))
      segment.bytes = SEGMENT_HEADER.length
      this.adopt(segment)
      this.#current = segment
    }
    item.stored = segment
    segment.open++
    segment.bytes += size
    this.#bytes += size
    this.#writer!.append(segment, item, size)
    if (segment.bytes >= this.settings.segmentBytes) this.#seal(segment)
  }

  settled(items: readonly StoreItem[], error: AnalyticsError | undefined): void {
    if (!leavesSpool(error)) {
      this.counts.keptForNextStart += items.length
      return
    }
    for (const item of items) {
      const segment = item.stored as Segment | undefined
      if (segment === undefined || segment.deleted) continue
      segment.open--
      if (segmentDone(segment, segment === this.#current)) this.#delete(segment)
    }
    this.#replay?.resume()
  }

  /**
   * @internal For replay: a record whose checksum holds but that is no message (only a bug or
   * tampering explains one): dropped from the spool, counted as damage, said once.
   */
  discard(offer: { bytes?: number; token?: unknown }, error: AnalyticsError): void {
    this.counts.lostBytes += offer.bytes ?? 0
    if (this.counts.invalidRecords++ === 0)
      this.#logger?.warn(`spool: a record in ${this.settings.dir} is no message (${error.message}); dropped`)
    this.settled([{ json: '', bytes: 0, stored: offer.token }], undefined)
  }

  beforeSend(): Promise<void> | undefined {
    return this.settings.sync === 'always' ? this.#writer?.syncAll(this.segments) : undefined
  }

  /** Writes what this turn accepted now (replay, before moving a damaged file aside); false if the write failed. */
  writeNow(): boolean {
    this.#writer!.write()
    return this.#writeFailure === undefined
  }

  /** Whether messages an earlier process left still wait to be queued (more than the queue holds). */
  get replaying(): boolean {
    return this.#replay?.waiting ?? false
  }

  get stats(): SpoolStats {
    let unsettled = 0
    for (const segment of this.segments) unsettled += segment.open
    return { dir: this.settings.dir, segments: this.segments.size, bytes: this.#bytes, unsettled, ...this.counts }
  }

  /**
   * After the client closed: writes and syncs what waits, deletes segments with no message left,
   * keeps the rest for the next start, releases the directory. Synchronous; runs once.
   */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    open.delete(this)
    clearInterval(this.#syncTimer)
    this.#writer?.close(this.segments, syncQuietly)
    for (const segment of this.segments) if (segment.open === 0) this.#delete(segment)
    this.#lock?.release()
  }

  /** On process exit without close(): write what this turn accepted and let the directory go. */
  exit(): void {
    if (this.#closed) return
    this.#closed = true
    this.#writer?.close(this.segments, syncQuietly)
    this.#lock?.release()
  }

  #seal(segment: Segment): void {
    segment.sealed = true
    this.#writer!.detach(segment)
    if (this.#current === segment) this.#current = undefined
    if (segment.open === 0) this.#delete(segment)
    else this.#writer!.release(segment)
  }

  #delete(segment: Segment): void {
    segment.deleted = true
    segment.sealed = true
    this.#writer!.detach(segment)
    if (this.#current === segment) this.#current = undefined
    this.segments.delete(segment)
    this.#bytes -= segment.bytes
    if (segment.fd !== undefined) {
      const fd = segment.fd
      segment.fd = undefined
      // A sync in flight holds the descriptor; close it after.
      void (segment.syncing ?? Promise.resolve()).then(() => closeQuietly(fd))
    }
    unlinkQuietly(segment.path)
  }

  /** `whenFull: 'drop_oldest'`: drops whole oldest segments until `size` fits; false if it cannot. */
  #makeRoom(size: number): boolean {
    while (this.#bytes + size > this.settings.maxBytes) {
      const oldest = this.#oldestDroppable()
      if (!oldest) return false
      const error = new QueueFullError(`spool is full (maxBytes ${this.settings.maxBytes} bytes); the oldest messages were dropped`)
      this.counts.dropped += this.#client!.dropOldest((item) => item.stored === oldest, error)
      this.#delete(oldest)
    }
    return true
  }

  #oldestDroppable(): Segment | undefined {
    for (const segment of this.segments) {
      if (segment.sealed && segment !== this.#current && !this.#replay?.holds(segment)) return segment
    }
    return undefined
  }

  #writeFailed({ segment, count, error }: WriteFailure): void {
    const code = error.code ?? 'EIO'
    this.#bytes -= segment.bytes - segment.written
    segment.bytes = segment.written
    this.counts.writeErrors++
    this.counts.unwritten += count
    // Said once per episode: the failure stays until a write succeeds (onRecovered).
    const first = this.#writeFailure === undefined
    this.#writeFailure = { code, until: Date.now() + WRITE_RETRY_MS }
    if (this.#current === segment) this.#current = undefined
    segment.sealed = true
    if (segment.open === 0) this.#delete(segment)
    if (first) {
      this.#logger?.error(
        `spool: cannot write to ${segment.path} (${code}): ${count} message(s) of this turn are sent from memory but not on disk; new calls fail with queue_full until a write succeeds (tried again every ${WRITE_RETRY_MS} ms)`,
      )
    }
  }

  #warnDamage(report: ReplayReport): void {
    this.counts.damagedSegments += report.damagedSegments
    this.counts.lostBytes += report.lostBytes
    if (report.details.length === 0) return
    this.#logger?.warn(
      `spool: ${report.damagedSegments} damaged segment file(s) found at start (${report.details.join(', ')}); those with content moved to ${report.asideDir}; ${report.keptMessages} intact message(s) in them are kept and sent, ${report.lostBytes} byte(s) could not be read`,
    )
  }
}

/** fdatasync without throwing, while closing: the data is written; only its durability against power loss is then unknown. */
function syncQuietly(fd: number): void {
  try {
    fdatasyncSync(fd)
  } catch {
    // See above.
  }
}

function hookExit(): void {
  if (exitHooked) return
  exitHooked = true
  process.on('exit', () => {
    for (const spool of open) spool.exit()
  })
}
