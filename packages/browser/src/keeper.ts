/**
 * What a page keeps for the next one (issue 21): the browser client's store (the core's
 * `MessageStore` hooks) and the rule of its localStorage outbox.
 *
 * While the page is hidden it may be gone at any moment without another event (a closed tab, a
 * mobile browser killing a background page), so the outbox then holds every message without an
 * outcome that rides on no keepalive request in flight: the backlog, the batches waiting to retry,
 * plain fetches (cancelled if the page goes) and a keepalive the browser refused. It is brought up
 * to date after each change (a call accepted, an outcome, a keepalive request started or ended),
 * once per turn, so a burst costs one write. A visible page's queue is its own: the outbox is then
 * removed, and nothing is written while the page stays visible.
 *
 * A keepalive request in flight outlives the page, so its messages are not kept: the next page
 * would send them a second time. What such a request cannot survive is a failure after the page
 * is gone (a network error, a 5xx): no code is left to retry it or keep it.
 */
import type { MessageStore, StoreItem } from '@cdp-analytics/core'
import { removeOutbox, writeOutbox } from './outbox.js'
import { toPersist } from './policy.js'

export class Keeper implements MessageStore {
  /** JSON of every message without an outcome yet, in call order. */
  readonly pending = new Set<string>()
  /** JSON of the messages on a keepalive request in flight. */
  readonly riding = new Set<string>()
  /** Where a lack of room in localStorage is told. */
  warn?: (text: string) => void
  #hidden = false
  /** A write is due at the end of this turn. */
  #due = false
  /** Messages left out of the last write for lack of room (warned once per rise). */
  #notKept = 0

  /** @param key this page's localStorage key, under which nothing is written until something must be kept */
  constructor(readonly key: string) {}

  accept(item: StoreItem): undefined {
    this.pending.add(item.json)
    this.#changed()
  }

  settled(items: readonly StoreItem[]): void {
    for (const { json } of items) this.pending.delete(json)
    this.#changed()
  }

  /** The messages `jsons` started (`true`) or stopped (`false`) riding on a keepalive request. */
  ride(jsons: readonly string[], riding: boolean): void {
    for (const json of jsons) riding ? this.riding.add(json) : this.riding.delete(json)
    this.#changed()
  }

  /**
   * The page is hidden or going: keep what must be kept, now. Already hidden (`pagehide` after
   * `visibilitychange`), every change since was written at the end of its turn: nothing to do.
   */
  hide(): void {
    if (this.#hidden) return
    this.#hidden = true
    this.#write()
  }

  /** The page is visible again, or back from the back/forward cache. */
  show(): void {
    this.#hidden = false
    this.#notKept = 0
    removeOutbox(this.key)
  }

  #changed(): void {
    if (!this.#hidden || this.#due) return
    this.#due = true
    queueMicrotask(() => {
      this.#due = false
      this.#write()
    })
  }

  #write(): void {
    if (!this.#hidden) return
    const { keep, dropped } = toPersist(this.pending, this.riding)
    const notKept = dropped + keep.length - writeOutbox(this.key, keep)
    if (notKept > this.#notKept) this.warn?.(`${notKept} message(s) not kept: localStorage full or unavailable`)
    this.#notKept = notKept
  }
}
