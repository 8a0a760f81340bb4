// Log what nobody handles, once (issue 10, section 4): a failure that reaches a callback or a
// `failed` listener is not logged; an unhandled one is warned once per reason, then at debug.
import { describe, expect, it, vi } from 'vitest'
import { MemoryTransport } from '../src/memory-transport.js'
import { makeClient } from './helpers/client.js'

function logged() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
}

describe('failures are logged only when nobody handles them', () => {
  it.each([
    // how the failure is handled, expected warnings
    ['a callback', 'callback', 0],
    ['a failed listener', 'listener', 0],
    ['nobody', 'none', 1],
  ] as const)('a rejected batch handled by %s: %i warning(s)', async (_name, handling, warnings) => {
    const logger = logged()
    // Every request refused: each batch of two is split (issue 19) and each message fails alone.
    const { client } = makeClient({ logger, flushAt: 2 }, new MemoryTransport().respondWith(...Array<number>(6).fill(400)))
    if (handling === 'listener') client.on('failed', () => {})
    const callback = handling === 'callback' ? () => {} : undefined
    for (let round = 0; round < 2; round++) {
      client.track({ userId: 'u', event: 'a' }, callback)
      client.track({ userId: 'u', event: 'b' }, callback)
      await client.flush()
    }
    expect(logger.warn).toHaveBeenCalledTimes(warnings)
    if (warnings) {
      expect(String(logger.warn.mock.calls[0]![0])).toMatch(/1 message\(s\) failed: delivery failed: HTTP 400.*listen to 'failed'/)
      expect(client.stats.failedByReason.rejected).toBe(4) // the later failures were counted, not warned again
    }
  })

  it('invalid input without a callback or listener is warned once per reason, never silently dropped', async () => {
    const logger = logged()
    const { client } = makeClient({ logger })
    client.track({ userId: 'u' } as never)
    client.track({ userId: 'u' } as never)
    client.track({ userId: 'u', event: 'big', properties: { blob: 'x'.repeat(40_000) } })
    await client.flush()
    expect(logger.warn.mock.calls.map((call) => String(call[0]))).toEqual([
      expect.stringMatching(/track: "event" is required/),
      expect.stringMatching(/over .*bytes|too large|32,?000/i),
    ])
    expect(client.stats.failedByReason).toEqual({ invalid: 2, too_large: 1 })
  })
})
