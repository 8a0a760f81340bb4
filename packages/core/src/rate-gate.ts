/**
 * Rate limits are client-wide (issue 8): after a 429, or a 503 with `Retry-After`, no new request
 * of the client starts before the server's time has passed, not only the retry of that batch.
 * Requests already on the wire are the only exception. The scheduler asks before starting a
 * batch, and delivery asks before every attempt, retries included.
 */
export class RateGate {
  #until = 0

  /** No new request before `ms` from `now` (a later pause already set is kept). */
  pause(ms: number, now = Date.now()): void {
    if (ms > 0) this.#until = Math.max(this.#until, now + ms)
  }

  /** Milliseconds until requests may start again; 0 when they may now. */
  remaining(now = Date.now()): number {
    return Math.max(0, this.#until - now)
  }
}
