// How far `import` reads ahead (issue 22, bug 3), as a table: bounded in lines and in bytes, and
// always within the client's own queue bounds, so that an import never meets `queue_full`.
import { describe, expect, it } from 'vitest'
import { IMPORT_QUEUE, type QueueBounds, readAhead } from '../src/cli/read-ahead.js'

const MB = 1_000_000

describe('readAhead', () => {
  it.each([
    // batch size, requests in flight, the client's queue bounds, lines read ahead, bytes read ahead
    [1000, 4, IMPORT_QUEUE, { high: 5000, low: 4000 }, { high: 2.5 * MB, low: 2 * MB }], // the defaults
    [25_000, 4, IMPORT_QUEUE, { high: 100_000, low: 80_000 }, { high: 2.5 * MB, low: 2 * MB }], // capped by maxQueueSize
    [200_000, 4, IMPORT_QUEUE, { high: 100_000, low: 80_000 }, { high: 2.5 * MB, low: 2 * MB }],
    [5, 4, IMPORT_QUEUE, { high: 25, low: 20 }, { high: 2.5 * MB, low: 2 * MB }],
    [1, 0, IMPORT_QUEUE, { high: 1, low: 1 }, { high: 0.5 * MB, low: 1 }], // one at a time: read on when none waits
    [1000, 4, { maxQueueSize: 100_000, maxQueueBytes: 1 * MB }, { high: 5000, low: 4000 }, { high: 0.5 * MB, low: 0.4 * MB }], // a small maxQueueBytes
    [1000, 4, { maxQueueSize: 3000, maxQueueBytes: 1 * MB }, { high: 3000, low: 2400 }, { high: 0.5 * MB, low: 0.4 * MB }],
  ] as [number, number, QueueBounds, { high: number; low: number }, { high: number; low: number }][])(
    'batches of %i, %i in flight, queue %o → lines %o, bytes %o',
    (batchSize, inFlight, queue, lines, bytes) => {
      expect(readAhead(batchSize, inFlight, queue)).toEqual({ lines, bytes })
    },
  )

  it('stays within the queue bounds, with 1 <= low <= high, for any batch size and queue', () => {
    for (const batchSize of [1, 2, 7, 100, 1000, 25_000, 99_999, 100_000, 1_000_000]) {
      for (const inFlight of [0, 1, 4, 16]) {
        for (const queue of [IMPORT_QUEUE, { maxQueueSize: 1, maxQueueBytes: 2 }, { maxQueueSize: 50, maxQueueBytes: 10_000 }]) {
          const { lines, bytes } = readAhead(batchSize, inFlight, queue)
          expect(lines.high).toBeLessThanOrEqual(queue.maxQueueSize)
          expect(bytes.high).toBeLessThanOrEqual(queue.maxQueueBytes / 2)
          for (const { high, low } of [lines, bytes]) {
            expect(low).toBeGreaterThanOrEqual(1)
            expect(low).toBeLessThanOrEqual(high)
          }
        }
      }
    }
  })
})
