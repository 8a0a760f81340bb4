/**
 * Drain cycles: how queued messages leave an edge isolate without a timer.
 *
 * On Cloudflare a timer armed during a request that has returned never fires, so the core runs
 * with `intervalFlush: false` and this registry flushes instead. The first message a request
 * queues registers one drain promise with that request's `waitUntil`; the drain waits one
 * microtask, so the rest of the handler's synchronous calls join the same batch, flushes, and
 * flushes again while the same request queued more in the meantime. Later messages of the same
 * request ride on the running drain; after it ends, the next message starts a new cycle.
 *
 * A drain ends when everything queued before its last flush has an outcome, and never waits for
 * another request's messages beyond that: events of one request never wait for a later request.
 * Batches are sent by the request that cut them (flush() or a full batch; the edge client lifts
 * `maxInFlight` so none waits for a slot), and that request's drain waits for them, so no fetch is
 * left running in a request whose `waitUntil` has settled: workerd would cancel it.
 */
import type { WaitUntil } from './wait-until.js'

interface Cycle {
  /** The owning request queued a message since the drain last started a flush. */
  dirty: boolean
}

export class DrainRegistry {
  /** Running cycles by request: a Cloudflare `ctx`, a Vercel context, or a `waitUntil` function. */
  #cycles = new Map<object, Cycle>()

  #flush: () => Promise<void>
  #onError: (message: string, error: unknown) => void

  constructor(flush: () => Promise<void>, onError: (message: string, error: unknown) => void) {
    this.#flush = flush
    this.#onError = onError
  }

  /** Drain cycles still running. */
  get running(): number {
    return this.#cycles.size
  }

  /**
   * Notes that the request `key` queued a message: starts a drain through `waitUntil` unless
   * one is running for that request.
   */
  note(key: object, waitUntil: WaitUntil): void {
    const running = this.#cycles.get(key)
    if (running) {
      running.dirty = true
      return
    }
    const cycle: Cycle = { dirty: true }
    this.#cycles.set(key, cycle)
    const drain = this.#run(key, cycle)
    try {
      waitUntil(drain)
    } catch (error) {
      // A finished request's waitUntil throws on Cloudflare. The drain still runs as far as the
      // isolate lets it; whatever it cannot send goes with the next flush.
      this.#onError("waitUntil threw; pass the current request's ctx.waitUntil.bind(ctx)", error)
    }
  }

  /**
   * For a message that belongs to no known request (for example from a streamed body after a
   * `withAnalytics` handler returned): let the newest running drain pick it up. False when none runs.
   */
  noteAny(): boolean {
    let newest: Cycle | undefined
    for (const cycle of this.#cycles.values()) newest = cycle // Map order: the last one started.
    if (!newest) return false
    newest.dirty = true
    return true
  }

  async #run(key: object, cycle: Cycle): Promise<void> {
    try {
      while (cycle.dirty) {
        // One microtask: the handler's remaining synchronous calls land in this batch.
        await Promise.resolve()
        cycle.dirty = false
        await this.#flush()
      }
    } catch (error) {
      // flush() never rejects; this guards the host's waitUntil against a bug of ours.
      this.#onError('drain failed', error)
    } finally {
      this.#cycles.delete(key)
    }
  }
}
