/**
 * What a forwarder holds, by stream entry: the entries offered to its client and still without an
 * outcome, and the outcomes not yet written to Redis (acknowledgements, dead letters), entries
 * waiting for another round, entries to hand back when it stops. Plain bookkeeping, no I/O.
 */
import type { DeadLetter } from './policy.js'

/** A stream entry this forwarder took, with what it knows of it. */
export interface Held {
  id: string
  json: string
  messageId: string
  /** Redis's delivery count when this forwarder took it (1 for a new entry). */
  deliveries: number
  /** When its idle time was last reset in Redis (taken, or renewed), ms since the epoch. */
  leased: number
  /** The error of its last round, when one failed here. */
  lastError?: string
}

export class Ledger {
  /** Offered to the client, no outcome yet, in the order taken. */
  readonly held = new Map<string, Held>()
  /** Delivered; `XACK` + `XDEL` not yet written. */
  acks: string[] = []
  /** To move to the dead-letter stream; not yet written. */
  dead: DeadLetter[] = []
  /** Out of retries (or an internal error): taken again once `at` has passed. */
  readonly again = new Map<string, Held & { at: number }>()
  /** Left pending by stop() (its deadline) or a configuration error: handed back when stopping. */
  handBack: Held[] = []

  /** Whether this forwarder knows the entry (held, waiting for a write, or for another round). */
  knows(id: string): boolean {
    return this.held.has(id) || this.again.has(id) || this.acks.includes(id) || this.dead.some((entry) => entry.entry === id)
  }

  /** Entries held whose lease is older than `before`: theirs must be renewed. */
  staleLeases(before: number): Held[] {
    const stale: Held[] = []
    for (const entry of this.held.values()) if (entry.leased < before) stale.push(entry)
    return stale
  }

  /** Entries whose next round is due, taken out of the waiting list. */
  dueAgain(now: number): (Held & { at: number })[] {
    const due = [...this.again.values()].filter((entry) => entry.at <= now)
    for (const entry of due) this.again.delete(entry.id)
    return due
  }

  /** The outcomes to write, taken out (put back with `restore` when the write fails). */
  takeWrites(): { acks: string[]; dead: DeadLetter[] } {
    const writes = { acks: this.acks, dead: this.dead }
    this.acks = []
    this.dead = []
    return writes
  }

  restore(writes: { acks: string[]; dead: DeadLetter[] }): void {
    this.acks = [...writes.acks, ...this.acks]
    this.dead = [...writes.dead, ...this.dead]
  }

  get unwritten(): number {
    return this.acks.length + this.dead.length
  }
}
