/**
 * Replay after a restart: the segments an earlier process left are read oldest first, and their
 * messages queued through `client.enqueueStored()` with their original JSON (messageId, timestamp)
 * before the constructor returns, so before any new call. What the in-memory queue cannot hold
 * (`maxQueueSize`, `maxQueueBytes`) waits and is queued as outcomes make room.
 *
 * A damaged segment (torn tail, corrupt records, NUL fill, not ours) never stops the start
 * (OpenTelemetry contrib #35899, Fluent Bit #7279): its intact records are written again into a new
 * segment, then the file is moved to `damaged/` and the damage is counted and warned about once.
 * An empty file (created, never written: nothing lost) is deleted, and counted and warned about
 * as damage too. Messages that were being sent
 * when the earlier process died are simply sent again (OpenTelemetry's persistent queue re-queues
 * what was in flight the same way); the API de-duplicates by messageId.
 */
import { basename, join } from 'node:path'
import { ConfigError, type StoredMessage } from '@cdp-analytics/core'
import { DAMAGED_DIR, listSegments, moveAside, readSegment, type SegmentFile, unlinkQuietly } from './files.js'
import { Segment } from './segment.js'
import type { Spool } from './spool.js'
import type { SpoolClient } from './types.js'

export interface ReplayReport {
  damagedSegments: number
  lostBytes: number
  /** Intact messages found in damaged segments. */
  keptMessages: number
  details: string[]
  asideDir: string
}

export class Replay {
  #files: SegmentFile[] = []
  #offers: StoredMessage[] = []
  #next = 0
  /** Segments with messages not yet queued (whenFull may not drop them). */
  #holding = new Set<unknown>()
  #stopped = false
  #resuming = false
  #report: ReplayReport

  constructor(
    readonly spool: Spool,
    readonly client: SpoolClient,
  ) {
    this.#report = { damagedSegments: 0, lostBytes: 0, keptMessages: 0, details: [], asideDir: join(spool.settings.dir, DAMAGED_DIR) }
  }

  /** Reads the directory and queues what fits; returns what was damaged. */
  start(): ReplayReport {
    try {
      this.#files = listSegments(this.spool.settings.dir)
    } catch (error) {
      throw new ConfigError(`spool.dir ${this.spool.settings.dir}: cannot read it (${(error as Error).message})`)
    }
    this.spool.nextId = (this.#files.at(-1)?.id ?? 0) + 1
    this.resume()
    return this.#report
  }

  get waiting(): boolean {
    return !this.#stopped && (this.#next < this.#offers.length || this.#files.length > 0)
  }

  holds(segment: Segment): boolean {
    return this.#holding.has(segment)
  }

  /** Queues waiting messages until the queue refuses one; reads the next file when one is done. */
  resume(): void {
    // Outcomes reported while offering (a discarded record) call back here: the loop goes on.
    if (this.#resuming) return
    this.#resuming = true
    try {
      this.#offerWhileRoom()
    } finally {
      this.#resuming = false
    }
  }

  #offerWhileRoom(): void {
    while (this.waiting) {
      if (this.#next === this.#offers.length) {
        this.#offers = this.#load(this.#files.shift()!)
        this.#next = 0
        continue
      }
      const offer = this.#offers[this.#next]!
      const refused = this.client.enqueueStored(offer)
      if (refused?.reason === 'queue_full') return
      if (refused?.reason === 'closed') {
        this.#stopped = true
        return
      }
      if (refused) this.spool.discard(offer, refused)
      else this.spool.counts.replayed++
      this.#next++
      if (this.#next === this.#offers.length) this.#holding.delete(offer.token)
    }
  }

  /** One file's messages, ready to queue. */
  #load(file: SegmentFile): StoredMessage[] {
    if (file.size === 0) {
      // A crash between creating the file and its first write (or a first write that failed): it
      // held nothing, so nothing is lost, but it is damage all the same, counted and warned about.
      unlinkQuietly(file.path)
      this.#report.details.push(`${basename(file.path)}: empty, deleted (nothing was written to it)`)
      this.#report.damagedSegments++
      return []
    }
    let read: ReturnType<typeof readSegment>
    try {
      read = readSegment(file.path)
    } catch (error) {
      // Unreadable (EACCES...): left where it is for a person to fix; the start goes on.
      this.#report.details.push(`${basename(file.path)}: unreadable (${(error as Error).message})`)
      return []
    }
    const { jsons, bytes, scan } = read
    if (!read.damaged) {
      if (jsons.length === 0) {
        unlinkQuietly(file.path)
        return []
      }
      const segment = new Segment(file.id, file.path)
      segment.bytes = segment.written = file.size
      segment.sealed = true
      segment.open = jsons.length
      this.spool.adopt(segment)
      this.#holding.add(segment)
      return jsons.map((json, i) => ({ json, bytes: bytes[i], token: segment }))
    }
    // Damaged: the intact records go into a new segment (written now), then the file goes aside.
    const offers = jsons.map((json, i) => {
      const item = { json, bytes: bytes[i]!, stored: undefined as unknown }
      this.spool.append(item)
      this.#holding.add(item.stored)
      return { json, bytes: bytes[i], token: item.stored }
    })
    const damage = [
      scan.badHeader && 'not a spool file',
      scan.tornTail && 'torn tail',
      scan.corruptRuns > 0 && `${scan.corruptRuns} corrupt run(s)`,
    ]
    this.#report.details.push(`${basename(file.path)}: ${damage.filter(Boolean).join(', ')}`)
    this.#report.damagedSegments++
    this.#report.lostBytes += scan.lostBytes
    this.#report.keptMessages += jsons.length
    // If the intact records could not be written again, the damaged file stays: it still holds them.
    if (this.spool.writeNow()) moveAside(this.spool.settings.dir, file.path, basename(file.path))
    return offers
  }
}
