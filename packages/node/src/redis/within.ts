/** Bounds a Redis call by a deadline and an abort signal: a client that queues commands while it reconnects would otherwise hold them. */

/** Why a Redis call did not finish in time. */
export class RedisTimeout extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`)
    this.name = 'RedisTimeout'
  }
}

/** `promise`, or a rejection once `ms` have passed (RedisTimeout) or `signal` aborts (its reason). */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisTimeout(ms)), ms)
    timer.unref?.()
    if (!signal) return
    onAbort = () => reject(signal.reason ?? new Error('aborted'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  // The late answer of a call given up on must not become an unhandled rejection.
  promise.catch(() => undefined)
  return Promise.race([promise, cut]).finally(() => {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  })
}
