/**
 * When to start a request and how many waiting messages it carries, as pure functions (tested
 * as tables in batch-policy.test.ts).
 *
 * `flushAt` keeps its meaning from the Go library: a request starts once that many messages wait.
 * While every request slot is busy, messages keep arriving; when a slot frees, the next request
 * takes as many of them as fit (`maxBatchSize` messages, `maxBatchBytes` of body) instead of
 * `flushAt`. So with the API 60 ms away, 4 slots carry far more than 4 × 20 messages per round
 * trip: throughput grows with load instead of the queue (issue 13).
 */
import { batchBodyBytes, fitsInBatch } from './limits.js'

export interface BatchLimits {
  /** Messages waiting that start a request; Infinity when only flushes and timers do. */
  flushAt: number
  /** Most messages one request carries. */
  maxBatchSize: number
  /** Largest request body, in bytes. */
  maxBatchBytes: number
}

/**
 * Whether `count` waiting messages of `bytes` (JSON, in all) call for a request now: `flushAt`
 * of them wait, or more than one full body of bytes does (large messages reach the byte limit
 * before the count), or a flush or timer made them due.
 */
export function requestIsDue(count: number, bytes: number, due: boolean, limits: BatchLimits): boolean {
  if (count === 0) return false
  return due || count >= limits.flushAt || batchBodyBytes(bytes, count) > limits.maxBatchBytes
}

/**
 * How many of the waiting messages `queue[start..end)` (each with its JSON `bytes`) the next
 * request takes: as many as fit both limits, and at least one (a message alone always fits,
 * since the per-message limit is far below the body limit).
 */
export function takeCount(
  queue: ArrayLike<{ readonly bytes: number } | undefined>,
  start: number,
  end: number,
  limits: BatchLimits,
): number {
  let count = 0
  let bytes = 0
  for (let i = start; i < end && count < limits.maxBatchSize; i++) {
    const size = queue[i]!.bytes
    if (!fitsInBatch(bytes, count, size, limits.maxBatchBytes)) break
    bytes += size
    count++
  }
  return count
}
