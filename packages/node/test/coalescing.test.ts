// Backlog coalescing over real HTTP (issue 13): the collector answers each request 100 ms late,
// as an API across a real network would. With default settings the first requests carry flushAt
// messages; once every slot is busy, later requests take what waited meanwhile.
import { describe, expect, it } from 'vitest'
import { client, collector, expectAllValid, outcomes } from './helpers/setup.js'

const RTT_MS = 100
const sizes = (requests: { body?: unknown }[]) => requests.map((r) => (r.body as { batch: unknown[] }).batch.length)

describe('backlog coalescing against a delayed collector', () => {
  it.each([
    ['default settings: requests grow with the backlog', {}],
    ['maxBatchSize: 20 (= flushAt): fixed-size requests', { maxBatchSize: 20 }],
  ])('%s', async (_name, options) => {
    const local = await collector()
    local.setDefaultResponse({ delayMs: RTT_MS })
    const analytics = client(local.url, options)
    const total = 1_000
    const { callback, settled, results } = outcomes(total)
    // 80 calls fill the 4 slots (flushAt 20 each); the other 920 arrive while all 4 are busy.
    for (let i = 0; i < total; i++) analytics.track({ userId: `u${i % 7}`, event: 'Paced', properties: { i } }, callback)
    await analytics.flush()
    await settled

    const counts = sizes(local.requests)
    expect(counts.slice(0, 4)).toEqual([20, 20, 20, 20]) // slots were free: flushAt each
    if ('maxBatchSize' in options) {
      expect(counts.every((count) => count === 20)).toBe(true)
      expect(counts).toHaveLength(50)
    } else {
      expect(Math.max(...counts.slice(4))).toBeGreaterThan(20) // slots were busy: coalesced
      expect(counts.length).toBeLessThanOrEqual(8) // 4 + the 920 waiting, in ≤ 4 requests
    }
    // Every call delivered exactly once, in valid bodies.
    expect(results.every((r) => r.error === undefined)).toBe(true)
    const sentOrder = local.requests.flatMap((r) => (r.body as { batch: { properties: { i: number } }[] }).batch.map((m) => m.properties.i))
    expect(sentOrder.sort((a, b) => a - b)).toEqual([...Array(total).keys()])
    expect(local.duplicateMessageIds().size).toBe(0)
    expectAllValid(local)
  })
})
