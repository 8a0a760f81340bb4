/**
 * A bound for a wait that has no deadline of its own (a Queue's `sendBatch`, a Redis command whose
 * client queues it while reconnecting): shared by the edge Queue producer and the Redis forwarder.
 */

/**
 * `promise`, or a rejection once `ms` have passed (the error `timedOut(ms)` makes) or `signal`
 * aborts (its reason). The timer does not hold a Node process open, and the late rejection of a
 * promise given up on never becomes an unhandled one.
 */
export function within<T>(promise: Promise<T>, ms: number, timedOut: (ms: number) => Error, signal?: AbortSignal): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort: (() => void) | undefined
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(ms)), ms)
    ;(timer as { unref?: () => void }).unref?.()
    if (!signal) return
    onAbort = () => reject(signal.reason ?? new Error('aborted'))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
  promise.catch(() => undefined)
  return Promise.race([promise, cut]).finally(() => {
    clearTimeout(timer)
    if (onAbort) signal?.removeEventListener('abort', onAbort)
  })
}
