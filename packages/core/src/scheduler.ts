/**
 * The batching scheduler: accumulates messages into the current batch, cuts it when it is full
 * (by count or by bytes) or when `flushInterval` passes, and sends cut batches with at most
 * `maxInFlight` requests at once. Batches are taken out of the queue before sending, so the
 * queue's bounds measure only what waits.
 */
import { Batch, type QueuedMessage } from './batch.js'
import { deadlineError } from './deliver.js'
import { DeliveryError, QueueFullError } from './errors.js'
import { fitsInBatch } from './limits.js'
import type { CancelTimer, TimerHost } from './types.js'

export interface SchedulerLimits {
  flushAt: number
  /** 0 or no timers: never flush on a timer (the edge adapter flushes through waitUntil). */
  flushInterval: number
  maxBatchBytes: number
  maxQueueSize: number
  maxQueueBytes: number
  maxInFlight: number
}

export interface SchedulerHooks {
  /** Sends a batch until it has an outcome; must call `settle` and never reject. */
  deliver: (batch: Batch) => Promise<void>
  /** Reports the outcome of batches the scheduler itself fails (close deadline). */
  settle: (batch: Batch, error: DeliveryError) => void
  timers: TimerHost | undefined
}

export class Scheduler {
  private current: Batch | undefined
  /** Cut batches waiting for a free request slot; `readyHead` avoids O(n) shifts. */
  private ready: (Batch | undefined)[] = []
  private readyHead = 0
  private readonly inFlight = new Set<Batch>()
  private cancelTimer: CancelTimer | undefined
  private flushing: Promise<void> | undefined
  private addedSinceFlush = false
  queuedMessages = 0
  queuedBytes = 0

  constructor(
    private readonly limits: SchedulerLimits,
    private readonly hooks: SchedulerHooks,
  ) {}

  /** Messages that have no outcome yet: waiting or being sent. */
  get pending(): number {
    let sending = 0
    for (const batch of this.inFlight) sending += batch.count
    return this.queuedMessages + sending
  }

  /** Queues a message, or refuses it when a bound is reached (the caller reports that). */
  add(item: QueuedMessage): QueueFullError | undefined {
    const { limits } = this
    if (this.queuedMessages >= limits.maxQueueSize) {
      return new QueueFullError(`queue is full (maxQueueSize ${limits.maxQueueSize} messages); message dropped`)
    }
    if (this.queuedBytes + item.bytes > limits.maxQueueBytes) {
      return new QueueFullError(`queue is full (maxQueueBytes ${limits.maxQueueBytes} bytes); message dropped`)
    }
    let batch = this.current
    if (batch && !fitsInBatch(batch.messageBytes, batch.count, item.bytes, limits.maxBatchBytes)) {
      this.cut()
      batch = undefined
    }
    if (!batch) {
      batch = this.current = new Batch()
      this.armTimer()
    }
    batch.add(item)
    this.queuedMessages++
    this.queuedBytes += item.bytes
    this.addedSinceFlush = true
    if (batch.count >= limits.flushAt) {
      this.cut()
      this.pump()
    }
    return undefined
  }

  /**
   * Sends everything queued so far; settles when all of it has an outcome. Concurrent calls
   * with nothing queued in between share one promise.
   */
  flush(): Promise<void> {
    if (this.flushing && !this.addedSinceFlush) return this.flushing
    this.addedSinceFlush = false
    this.cut()
    const waiting = [...this.inFlight, ...this.pendingReady()]
    if (waiting.length === 0) return Promise.resolve()
    const flushing = Promise.all(waiting.map((batch) => batch.whenSettled())).then(() => {
      if (this.flushing === flushing) this.flushing = undefined
    })
    this.flushing = flushing
    this.pump()
    return flushing
  }

  /** Fails every batch not yet sending with a deadline error (used when close() times out). */
  failWaiting(): void {
    this.cut()
    const waiting = this.pendingReady()
    this.ready = []
    this.readyHead = 0
    for (const batch of waiting) {
      this.dequeue(batch)
      this.hooks.settle(batch, deadlineError(0))
      batch.markSettled()
    }
  }

  stopTimer(): void {
    this.cancelTimer?.()
    this.cancelTimer = undefined
  }

  /** Moves the current batch to the ready list. */
  private cut(): void {
    this.stopTimer()
    const batch = this.current
    if (!batch) return
    this.current = undefined
    this.ready.push(batch)
  }

  private armTimer(): void {
    const { timers } = this.hooks
    if (!timers || this.limits.flushInterval <= 0) return
    this.cancelTimer = timers(() => {
      this.cancelTimer = undefined
      this.cut()
      this.pump()
    }, this.limits.flushInterval)
  }

  /** Starts sending ready batches while request slots are free. */
  private pump(): void {
    while (this.inFlight.size < this.limits.maxInFlight && this.readyHead < this.ready.length) {
      const batch = this.ready[this.readyHead]!
      // Let go of the slot now, so a delivered batch (messages, JSON, joined body) can be collected
      // at once instead of staying reachable from this list until the next compaction.
      this.ready[this.readyHead++] = undefined
      this.compactReady()
      this.dequeue(batch)
      this.inFlight.add(batch)
      void this.send(batch)
    }
  }

  private async send(batch: Batch): Promise<void> {
    try {
      await this.hooks.deliver(batch)
    } catch (error) {
      // deliver must report every batch; if it threw before doing so, say so rather than leave
      // its messages without an outcome.
      if (!batch.reported) {
        this.hooks.settle(batch, new DeliveryError(`internal error while sending: ${String(error)}`, 'internal', undefined, 0, { cause: error }))
      }
    } finally {
      this.inFlight.delete(batch)
      batch.markSettled()
      this.pump()
    }
  }

  /** Batches cut but not yet sending; slots from `readyHead` on are always filled. */
  private pendingReady(): Batch[] {
    return this.ready.slice(this.readyHead) as Batch[]
  }

  /** Drops sent batches from the front of the ready list once they are half of it. */
  private compactReady(): void {
    if (this.readyHead === this.ready.length) {
      this.ready = []
      this.readyHead = 0
    } else if (this.readyHead >= 1024 && this.readyHead * 2 >= this.ready.length) {
      this.ready = this.ready.slice(this.readyHead)
      this.readyHead = 0
    }
  }

  private dequeue(batch: Batch): void {
    this.queuedMessages -= batch.count
    this.queuedBytes -= batch.messageBytes
  }
}
