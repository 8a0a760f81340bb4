/**
 * Appends records to segment files and forces them to the disk per `sync` mode. One write(2) per
 * event-loop turn carries everything accepted in it (queued as a microtask on the first accept of
 * the turn), or sooner once 1 MiB is waiting, so a burst neither holds its records in memory nor
 * pays a system call per message. fdatasync runs on libuv's thread pool, never blocking calls.
 */
import { fdatasync, fsync, ftruncateSync, openSync } from 'node:fs'
import { closeQuietly, writeAll } from './files.js'
import { encodeRecords, type RecordInput, SEGMENT_HEADER } from './record.js'
import type { Segment } from './segment.js'

/** Bytes waiting that make a write happen at once, inside the call. */
export const WRITE_CHUNK_BYTES = 1 << 20

export interface WriteFailure {
  segment: Segment
  /** Messages of the failed write: accepted, in memory, but not on disk. */
  count: number
  error: NodeJS.ErrnoException
}

export class SegmentWriter {
  #pending: RecordInput[] = []
  #pendingBytes = 0
  #segment: Segment | undefined
  #queued = false
  #scratch = Buffer.allocUnsafe(WRITE_CHUNK_BYTES + 64 * 1024)
  #dirFd: number | undefined
  #dirDirty = false

  /** The last write failed; the next one that succeeds calls `onRecovered`. */
  #failing = false

  constructor(
    readonly dir: string,
    readonly syncs: boolean,
    /** Told about a write that failed (the segment is then closed for appends). */
    readonly onFailure: (failure: WriteFailure) => void,
    /** Told when a write succeeds after one failed. */
    readonly onRecovered: () => void,
  ) {
    if (syncs) {
      try {
        this.#dirFd = openSync(dir, 'r')
      } catch {
        // A directory that cannot be opened cannot be synced; its files still are.
      }
    }
  }

  /** Adds a record to `segment`'s next write (a segment switch writes what waits first). */
  append(segment: Segment, message: RecordInput, size: number): void {
    if (this.#segment !== segment) this.write()
    this.#segment = segment
    this.#pending.push(message)
    this.#pendingBytes += size
    if (this.#pendingBytes >= WRITE_CHUNK_BYTES) this.write()
    else if (!this.#queued) {
      this.#queued = true
      queueMicrotask(this.write)
    }
  }

  /** Writes what waits, now. Never throws: a failure goes to `onFailure`. */
  readonly write = (): void => {
    this.#queued = false
    const segment = this.#segment
    const messages = this.#pending
    if (!segment || messages.length === 0) return
    this.#pending = []
    const header = segment.written === 0 ? SEGMENT_HEADER.length : 0
    const total = header + this.#pendingBytes
    this.#pendingBytes = 0
    if (this.#scratch.length < total) this.#scratch = Buffer.allocUnsafe(total)
    const buffer = this.#scratch
    if (header > 0) SEGMENT_HEADER.copy(buffer, 0)
    encodeRecords(buffer, header, messages)
    try {
      if (segment.fd === undefined) {
        segment.fd = openSync(segment.path, 'wx')
        this.#dirDirty = this.syncs
      }
      writeAll(segment.fd, buffer, total)
      segment.written += total
      segment.dirty = this.syncs
      if (this.#failing) {
        this.#failing = false
        this.onRecovered()
      }
    } catch (error) {
      this.#failing = true
      this.#undoPartial(segment)
      this.onFailure({ segment, count: messages.length, error: error as NodeJS.ErrnoException })
    }
  }

  /** A write cut short leaves part of a record: cut the file back to its last whole record. */
  #undoPartial(segment: Segment): void {
    if (segment.fd === undefined) return
    try {
      ftruncateSync(segment.fd, segment.written)
    } catch {
      // Left as a torn tail: the next start cuts it (record.ts).
    }
  }

  /** Forces every written byte of `segments` (and new files' names) to the disk; never rejects. */
  syncAll(segments: Iterable<Segment>): Promise<void> | undefined {
    this.write()
    const waits: Promise<void>[] = []
    if (this.#dirDirty && this.#dirFd !== undefined) {
      this.#dirDirty = false
      const fd = this.#dirFd
      waits.push(new Promise((resolve) => fsync(fd, () => resolve())))
    }
    for (const segment of segments) {
      if (segment.dirty && segment.fd !== undefined) waits.push(this.#sync(segment))
      else if (segment.syncing) waits.push(segment.syncing)
    }
    if (waits.length === 0) return undefined
    return Promise.all(waits).then(() => undefined)
  }

  #sync(segment: Segment): Promise<void> {
    segment.dirty = false
    const fd = segment.fd!
    const syncing = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).then(() => {
      if (segment.syncing === syncing) segment.syncing = undefined
      if (segment.sealed) this.release(segment)
    })
    segment.syncing = syncing
    return syncing
  }

  /** Closes a segment's file once nothing more is written or synced through it. */
  release(segment: Segment): void {
    if (segment.fd === undefined || segment.dirty || segment.syncing || segment === this.#segment) return
    closeQuietly(segment.fd)
    segment.fd = undefined
  }

  /** Stops appending to `segment` (sealed, or deleted): writes what waits for it first. */
  detach(segment: Segment): void {
    if (this.#segment === segment) {
      this.write()
      this.#segment = undefined
    }
  }

  /** Writes what waits and closes every file (close(), process exit). Synchronous. */
  close(segments: Iterable<Segment>, syncNow: (fd: number) => void): void {
    this.write()
    this.#segment = undefined
    for (const segment of segments) {
      if (segment.fd === undefined) continue
      if (segment.dirty) syncNow(segment.fd)
      closeQuietly(segment.fd)
      segment.fd = undefined
    }
    if (this.#dirFd !== undefined) {
      if (this.#dirDirty) syncNow(this.#dirFd)
      closeQuietly(this.#dirFd)
      this.#dirFd = undefined
    }
  }
}
