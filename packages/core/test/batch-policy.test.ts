import { describe, expect, it } from 'vitest'
import { requestIsDue, takeCount, type BatchLimits } from '../src/batch-policy.js'
import { BATCH_ENVELOPE_BYTES } from '../src/limits.js'

const limits: BatchLimits = { flushAt: 20, maxBatchSize: 1000, maxBatchBytes: 500_000 }

describe('requestIsDue', () => {
  it.each([
    // waiting, bytes, due (flush or timer), limits, expected
    ['nothing waits', 0, 0, true, limits, false],
    ['fewer than flushAt', 19, 19 * 600, false, limits, false],
    ['flushAt reached', 20, 20 * 600, false, limits, true],
    ['a backlog above flushAt', 500, 500 * 600, false, limits, true],
    ['a flush or timer made one message due', 1, 600, true, limits, true],
    ['fewer than flushAt, but more bytes than one body takes', 17, 17 * 30_000, false, limits, true],
    ['fewer than flushAt, exactly one full body', 2, 500_000 - BATCH_ENVELOPE_BYTES - 1, false, limits, false],
    ['flushOnCount false (edge): never by count', 5000, 5000 * 90, false, { ...limits, flushAt: Infinity }, false],
    ['flushOnCount false (edge): by bytes still', 50, 50 * 20_000, false, { ...limits, flushAt: Infinity }, true],
  ])('%s → %s', (_name, count, bytes, due, batchLimits, expected) => {
    expect(requestIsDue(count, bytes, due, batchLimits)).toBe(expected)
  })
})

describe('takeCount', () => {
  const queue = (sizes: number[]) => sizes.map((bytes) => ({ bytes }))
  it.each([
    // sizes, start, limits, expected
    ['everything waiting when it fits', Array(37).fill(600), 0, limits, 37],
    ['from the head index on', Array(37).fill(600), 30, limits, 7],
    ['maxBatchSize caps the count', Array(2500).fill(100), 0, limits, 1000],
    ['maxBatchSize: flushAt gives fixed-size requests', Array(45).fill(600), 0, { ...limits, maxBatchSize: 20 }, 20],
    // 16 × 30,000 + 15 commas + envelope = 480,063; a 17th would pass 500,000.
    ['the body limit caps the bytes', Array(40).fill(30_000), 0, limits, 16],
    ['one message always goes, even alone over a lowered body limit', [5000, 10], 0, { ...limits, maxBatchBytes: 1024 }, 1],
    ['stops at the first message that does not fit (order is kept)', [100_000, 100_000, 100_000, 100_000, 200_000, 10], 0, limits, 4],
    ['an empty queue', [], 0, limits, 0],
  ])('%s', (_name, sizes, start, batchLimits, expected) => {
    expect(takeCount(queue(sizes), start, sizes.length, batchLimits)).toBe(expected)
  })
})
