/**
 * The batching scheduler: keeps accepted messages in one queue, in call order, and starts a
 * request whenever a request slot is free (at most `maxInFlight` at once) and the queue calls for
 * one: `flushAt` messages wait, `flushInterval` passed since a message started waiting, or a
 * flush asked for everything. A request is cut from the head of the queue only when it starts, so
 * one that waited for a slot takes everything that arrived meanwhile, up to `maxBatchSize` and
 * `maxBatchBytes` (batch-policy.ts). Once cut, a batch never changes: retries re-send it whole.
 *
 * Every message has a sequence number (its position in call order); a flush waits until every
 * message numbered below the count accepted at the time of the call has an outcome.
 */
import { Batch, type QueuedMessage } from './batch.js'
import { requestIsDue, takeCount } from './batch-policy.js'
import { deadlineError } from './deliver.js'
import { type AnalyticsError, DeliveryError } from './errors.js'
import type { RateGate } from './rate-gate.js'
import type { CancelTimer, TimerHost } from './types.js'

export interface SchedulerLimits {
  flushAt: number
  /** 0 or no timers: never flush on a timer (the edge adapter flushes through waitUntil). */
  flushInterval: number
  maxBatchSize: number
  maxBatchBytes: number
  maxQueueSize: number
  maxQueueBytes: number
  maxInFlight: number
}

export interface SchedulerHooks {
  /** Sends a batch until it has an outcome; must call `settle` and never reject. */
  deliver: (batch: Batch) => Promise<void>
  /** Reports the outcome of batches the scheduler itself fails (close deadline, a store's drops). */
  settle: (batch: Batch, error: AnalyticsError) => void
  timers: TimerHost | undefined
  /** False: reaching `flushAt` starts nothing; the adapter flushes (the edge drains on waitUntil). */
  flushOnCount?: boolean
  /** While it holds (a rate limit), no batch starts; `resumeTimers` wakes the queue when it lifts. */
  gate?: RateGate
  resumeTimers?: TimerHost
}

interface FlushWaiter {
  /** Settles once every message numbered below this has an outcome. */
  until: number
  resolve: () => void
}

export class Scheduler {
  /** Waiting messages in call order; slots before `head` were taken (kept empty for the GC). */
  #queue: (QueuedMessage | undefined)[] = []
  #head = 0
  /** Sequence number of the message at `head`: every message before it was taken. */
  #taken = 0
  /** Messages numbered below this must be sent as soon as a slot is free (a flush or timer asked). */
  #dueUntil = 0
  #inFlight = new Set<Batch>()
  #flushWaiters: FlushWaiter[] = []
  #cancelTimer: CancelTimer | undefined
  #cancelResume: CancelTimer | undefined
  #flushing: Promise<void> | undefined
  #addedSinceFlush = false
  #policy: { flushAt: number; maxBatchSize: number; maxBatchBytes: number }
  #limits: SchedulerLimits
  #hooks: SchedulerHooks
  queuedMessages = 0
  queuedBytes = 0

  constructor(limits: SchedulerLimits, hooks: SchedulerHooks) {
    this.#limits = limits
    this.#hooks = hooks
    this.#policy = {
      flushAt: hooks.flushOnCount === false ? Infinity : limits.flushAt,
      maxBatchSize: limits.maxBatchSize,
      maxBatchBytes: limits.maxBatchBytes,
    }
  }

  /** Messages that have no outcome yet: waiting or being sent. */
  get pending(): number {
    let sending = 0
    for (const batch of this.#inFlight) sending += batch.count
    return this.queuedMessages + sending
  }

  /** Whether a message of `bytes` would be refused now, and by which bound (the caller reports that). */
  full(bytes: number): 'maxQueueSize' | 'maxQueueBytes' | undefined {
    if (this.queuedMessages >= this.#limits.maxQueueSize) return 'maxQueueSize'
    if (this.queuedBytes + bytes > this.#limits.maxQueueBytes) return 'maxQueueBytes'
    return undefined
  }

  /** Queues a message; the caller checked {@link full} first. */
  add(item: QueuedMessage): void {
    const limits = this.#limits
    this.#queue.push(item)
    this.queuedMessages++
    this.queuedBytes += item.bytes
    this.#addedSinceFlush = true
    if (this.#inFlight.size < limits.maxInFlight) this.#pump()
    if (!this.#cancelTimer && this.queuedMessages > 0) this.#armTimer()
  }

  /**
   * Fails the oldest waiting messages while `where` holds for them (a store dropping its oldest
   * records) with `error`, reported after the current call returns; returns how many. Taken from
   * the head like a send, so flushes count them as settled; messages being sent keep their course.
   */
  failOldestWhile(where: (item: QueuedMessage) => boolean, error: AnalyticsError): number {
    let count = 0
    while (count < this.queuedMessages && where(this.#queue[this.#head + count]!)) count++
    if (count === 0) return 0
    const batch = this.#take(count)
    queueMicrotask(() => {
      this.#hooks.settle(batch, error)
      this.#resolveFlushes()
    })
    return count
  }

  /**
   * Sends everything queued so far; settles when all of it has an outcome. Concurrent calls
   * with nothing queued in between share one promise.
   */
  flush(): Promise<void> {
    if (this.#flushing && !this.#addedSinceFlush) return this.#flushing
    this.#addedSinceFlush = false
    const until = this.#taken + this.queuedMessages
    this.#dueUntil = until
    this.#pump()
    if (this.#settledBelow() >= until) return Promise.resolve()
    const flushing = new Promise<void>((resolve) => this.#flushWaiters.push({ until, resolve })).then(() => {
      if (this.#flushing === flushing) this.#flushing = undefined
    })
    this.#flushing = flushing
    return flushing
  }

  /** Fails every message not yet sending with a deadline error (used when close() times out). */
  failWaiting(): void {
    this.stopTimer()
    this.failOldestWhile(() => true, deadlineError(0))
  }

  stopTimer(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
    this.#cancelResume?.()
    this.#cancelResume = undefined
  }

  /** Arms the `flushInterval` timer for the messages waiting now. */
  #armTimer(): void {
    const { timers } = this.#hooks
    if (!timers || this.#limits.flushInterval <= 0) return
    this.#cancelTimer = timers(() => {
      this.#cancelTimer = undefined
      this.#dueUntil = this.#taken + this.queuedMessages
      this.#pump()
      // Due messages still waiting for a slot need no timer, but later ones might arrive.
      if (this.queuedMessages > 0) this.#armTimer()
    }, this.#limits.flushInterval)
  }

  /** Starts requests while a slot is free, the queue calls for one and no rate limit holds. */
  #pump(): void {
    const policy = this.#policy
    const paused = this.#hooks.gate?.remaining() ?? 0
    if (paused > 0) return this.#resumeAfter(paused)
    while (
      this.#inFlight.size < this.#limits.maxInFlight &&
      requestIsDue(this.queuedMessages, this.queuedBytes, this.#taken < this.#dueUntil, policy)
    ) {
      const batch = this.#take(takeCount(this.#queue, this.#head, this.#queue.length, policy))
      this.#inFlight.add(batch)
      void this.#send(batch)
    }
    if (this.queuedMessages === 0) this.stopTimer()
  }

  /** Pumps again once a rate-limit pause lifts (one timer at a time). */
  #resumeAfter(ms: number): void {
    const timers = this.#hooks.resumeTimers
    if (!timers || this.#cancelResume || this.queuedMessages === 0) return
    this.#cancelResume = timers(() => {
      this.#cancelResume = undefined
      this.#pump()
    }, ms)
  }

  /** Cuts the next `count` waiting messages into a batch. */
  #take(count: number): Batch {
    const batch = new Batch(this.#taken)
    const queue = this.#queue
    const end = this.#head + count
    for (let i = this.#head; i < end; i++) {
      batch.add(queue[i]!)
      // Let go of the slot now, so a delivered message can be collected at once.
      queue[i] = undefined
    }
    this.#head = end
    this.#taken += count
    this.queuedMessages -= count
    this.queuedBytes -= batch.messageBytes
    this.#compact()
    return batch
  }

  async #send(batch: Batch): Promise<void> {
    try {
      await this.#hooks.deliver(batch)
    } catch (error) {
      // deliver must report every batch; if it threw before doing so, say so rather than leave
      // its messages without an outcome.
      if (!batch.reported) {
        this.#hooks.settle(
          batch,
          new DeliveryError(`internal error while sending: ${String(error)}`, 'internal', undefined, 0, { cause: error }),
        )
      }
    } finally {
      this.#inFlight.delete(batch)
      this.#resolveFlushes()
      this.#pump()
    }
  }

  /** Every message numbered below this has an outcome. */
  #settledBelow(): number {
    let lowest = this.#taken
    for (const batch of this.#inFlight) if (batch.first < lowest) lowest = batch.first
    return lowest
  }

  /** Settles the flushes whose messages all have an outcome (waiters are in call order). */
  #resolveFlushes(): void {
    const waiters = this.#flushWaiters
    if (waiters.length === 0) return
    const settled = this.#settledBelow()
    while (waiters.length > 0 && waiters[0]!.until <= settled) waiters.shift()!.resolve()
  }

  /** Drops taken slots from the front of the queue once they are half of it. */
  #compact(): void {
    if (this.#head === this.#queue.length) {
      this.#queue = []
      this.#head = 0
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head)
      this.#head = 0
    }
  }
}
