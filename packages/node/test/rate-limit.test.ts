// Rate limits are client-wide (issue 8): a 429 (or a 503 with Retry-After) holds every new
// request of the client until the server's time, not only the retry of its own batch. Proven with
// the collector's arrival timestamps over real HTTP.
import { describe, expect, it } from 'vitest'
import type { ResponsePlan } from '../src/testing/index.js'
import { client, collector, outcomes } from './helpers/setup.js'

describe('a rate limit pauses the whole client', () => {
  it.each([
    // first answer, does it pause the client, at least how long (ms; 'delay' = the retry's own delay)
    ['429 with Retry-After: 1', { status: 429, retryAfter: 1 }, true, 1000],
    ['429 without Retry-After (its backoff)', { status: 429 }, true, 'delay'],
    ['503 with Retry-After: 1', { status: 503, retryAfter: 1 }, true, 1000],
    ['503 without Retry-After (that batch only)', { status: 503 }, false, 0],
  ] as const)('%s', async (_name, plan: ResponsePlan, pauses, atLeast) => {
    const local = await collector()
    local.enqueueResponses(plan)
    const analytics = client(local.url, { flushAt: 5, maxInFlight: 4, retryBackoff: () => 600 })
    const { callback, settled, results } = outcomes(25)
    let retryDelay = 0
    // The second wave is called once the client knows of the rate limit: none of it is on the wire yet.
    const secondWave = new Promise<void>((resolve) =>
      analytics.on('retry', ({ delay }) => {
        retryDelay ||= delay
        for (let i = 5; i < 25; i++) analytics.track({ userId: 'u', event: `wave2-${i}` }, callback)
        resolve()
      }),
    )
    for (let i = 0; i < 5; i++) analytics.track({ userId: 'u', event: `wave1-${i}` }, callback)
    await secondWave
    await analytics.flush()
    await settled

    expect(results.every((r) => r.error === undefined)).toBe(true)
    expect(local.duplicateMessageIds().size).toBe(0)
    const [limited, ...later] = local.requests
    const earliest = Math.min(...later.map((r) => r.receivedAt)) - limited!.receivedAt
    const pause = atLeast === 'delay' ? retryDelay : atLeast
    if (pauses) {
      expect(earliest).toBeGreaterThanOrEqual(pause - 30) // timer granularity
    } else {
      expect(earliest).toBeLessThan(retryDelay) // the second wave did not wait for that batch's retry
    }
  })

  it("a 429 on a batch's last attempt (maxRetries: 0) holds the client too (issue 22)", async () => {
    const local = await collector()
    local.enqueueResponses({ status: 429, retryAfter: 1 })
    const analytics = client(local.url, { flushAt: 1, maxRetries: 0 })
    const { callback, settled, results } = outcomes(4)
    // Called once the first batch has failed for good: the rate limit must still hold them.
    analytics.track({ userId: 'u', event: 'limited' }, (error, message) => {
      callback(error, message)
      for (let i = 0; i < 3; i++) analytics.track({ userId: 'u', event: `later-${i}` }, callback)
    })
    await settled
    await analytics.flush()
    expect(results.map((r) => r.error?.reason)).toEqual(['retries_exhausted', undefined, undefined, undefined])
    const [limited, ...later] = local.requests
    expect(limited!.status).toBe(429)
    expect(later.every((request) => request.status === 200)).toBe(true)
    expect(Math.min(...later.map((r) => r.receivedAt)) - limited!.receivedAt).toBeGreaterThanOrEqual(1000 - 30) // timer granularity
  })

  it('close({ timeout }) keeps its deadline during a long pause', async () => {
    const local = await collector()
    local.enqueueResponses({ status: 429, retryAfter: 30 })
    const analytics = client(local.url, { flushAt: 2, maxRetryDelay: 60_000 })
    const { callback, settled, results } = outcomes(6)
    for (let i = 0; i < 2; i++) analytics.track({ userId: 'u', event: `e${i}` }, callback)
    await new Promise<void>((resolve) => analytics.on('retry', () => resolve()))
    for (let i = 2; i < 6; i++) analytics.track({ userId: 'u', event: `e${i}` }, callback)
    const started = Date.now()
    await analytics.close({ timeout: 300 })
    await settled
    expect(Date.now() - started).toBeLessThan(5000) // the pause is 30 s
    expect(results.map((r) => r.error?.reason)).toEqual(Array(6).fill('deadline'))
    expect(local.requests).toHaveLength(1) // nothing else was sent during the pause
  })
})
