import type { TimerHost } from '@cdp-analytics/core'

/** Timers that never keep the process alive: a pending flush alone must not stop an exit. */
export const unrefTimers: TimerHost = (callback, ms) => {
  const timer = setTimeout(callback, ms)
  timer.unref()
  return () => clearTimeout(timer)
}

/** Holds the process open while `promise` is pending (used while close() drains). */
export function keepAliveUntil(promise: Promise<unknown>): void {
  const handle = setInterval(() => undefined, 2 ** 30)
  void promise.finally(() => clearInterval(handle))
}
