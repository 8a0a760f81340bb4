// Promises that settle when the collector's records reach some state. Event-driven: the collector
// calls notify() after each record, so tests never poll or sleep.

interface Waiter {
  check(): void
  fail(reason: string): void
}

export class Waiters {
  private readonly pending = new Set<Waiter>()

  /**
   * Resolves with `ready()`'s value as soon as it is not undefined. Otherwise rejects after
   * `timeoutMs`, or on `failAll`, with an error whose message is `explain(reason)`.
   */
  wait<T>(ready: () => T | undefined, timeoutMs: number, explain: (reason: string) => string): Promise<T> {
    const now = ready()
    if (now !== undefined) return Promise.resolve(now)
    return new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer)
        this.pending.delete(waiter)
      }
      const waiter: Waiter = {
        check: () => {
          const value = ready()
          if (value === undefined) return
          settle()
          resolve(value)
        },
        fail: (reason) => {
          settle()
          reject(new Error(explain(reason)))
        },
      }
      const timer = setTimeout(() => waiter.fail(`timed out after ${timeoutMs} ms`), timeoutMs)
      this.pending.add(waiter)
    })
  }

  notify(): void {
    for (const waiter of [...this.pending]) waiter.check()
  }

  failAll(reason: string): void {
    for (const waiter of [...this.pending]) waiter.fail(reason)
  }
}
