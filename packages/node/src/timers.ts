import type { TimerHost } from '@cdp-analytics/core'

/** Timers that never keep the process alive: a pending flush alone must not stop an exit. */
export const unrefTimers: TimerHost = (callback, ms) => {
  const timer = setTimeout(callback, ms)
  timer.unref()
  return () => clearTimeout(timer)
}

/** Promises already holding the process open: concurrent flush() calls often share one. */
const held = new WeakSet<Promise<unknown>>()

/**
 * Holds the process open while `promise` is pending. The client's own timers are unref'd, so a
 * program awaiting flush() or close() while a retry or a rate-limit pause waits would otherwise
 * see its event loop empty under it (issue 22): Node would exit, or run the exit hook.
 */
export function keepAliveUntil(promise: Promise<unknown>): void {
  if (held.has(promise)) return
  held.add(promise)
  const handle = setInterval(() => undefined, 2 ** 30)
  void promise.finally(() => clearInterval(handle))
}
