// Backlog coalescing (issue 13): a request carries flushAt messages while a slot is free, and
// everything that waits (up to maxBatchSize / maxBatchBytes) once every slot was busy. The
// scheduler is driven through the client with a transport that answers only when released.
import { describe, expect, it, vi } from 'vitest'
import type { MemoryTransport } from '../src/memory-transport.js'
import { GatedTransport, makeClient, outcomes } from './helpers/client.js'

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

/** Releases the gate until every callback ran. */
async function releaseUntil(gated: GatedTransport, done: () => boolean, status = 200) {
  while (!done()) {
    gated.releaseAll(status)
    await tick()
  }
}

describe('backlog coalescing', () => {
  it.each([
    // options, expected message counts per request: 2 slots take 5 each; 37 arrive while both are busy.
    ['default maxBatchSize: the next request takes the whole backlog', {}, [5, 5, 37]],
    ['maxBatchSize 10 caps each request', { maxBatchSize: 10 }, [5, 5, 10, 10, 10, 7]],
    ['maxBatchSize: flushAt restores fixed-size batches', { maxBatchSize: 5 }, [5, 5, 5, 5, 5, 5, 5, 5, 5, 2]],
  ])('%s', async (_name, options, expected) => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 5, maxInFlight: 2, ...options }, gated)
    const { callback, settled, results } = outcomes(47)
    for (let i = 0; i < 10; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    expect(gated.batchSizes).toEqual([5, 5]) // slots were free: flushAt each, at once
    for (let i = 10; i < 47; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    expect(gated.batchSizes).toEqual([5, 5]) // both slots busy: nothing more starts
    const flushed = client.flush()
    await releaseUntil(gated, () => results.length === 47)
    await Promise.all([settled, flushed])
    expect(gated.batchSizes).toEqual(expected)
    expect(gated.maxActive).toBe(2)
    // Call order is kept across requests; every call has one outcome, delivered.
    const sent = gated.bodies.flatMap((body) => (JSON.parse(body) as { batch: { event: string }[] }).batch.map((m) => m.event))
    expect(sent).toEqual(Array.from({ length: 47 }, (_, i) => `e${i}`))
    expect(results.every((r) => r.error === undefined)).toBe(true)
  })

  it('without a backlog no request carries more than flushAt, whatever maxBatchSize', async () => {
    const { client, transport } = makeClient({ flushAt: 7, maxBatchSize: 1000, maxInFlight: 4 })
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 7; i++) client.track({ userId: 'u', event: 'e' })
      await client.flush()
    }
    expect((transport as MemoryTransport).requests.map((r) => r.body.batch.length)).toEqual([7, 7, 7, 7, 7])
  })

  it('a coalesced request stays within maxBatchBytes', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 1, maxInFlight: 1, maxBatchBytes: 20_000 }, gated)
    const { callback, results } = outcomes(201)
    for (let i = 0; i < 201; i++) client.track({ userId: 'u', event: 'e', properties: { i, pad: 'x'.repeat(200) } }, callback)
    await releaseUntil(gated, () => results.length === 201)
    const bytes = gated.bodies.map((body) => new TextEncoder().encode(body).length)
    expect(Math.max(...bytes)).toBeLessThanOrEqual(20_000)
    expect(gated.batchSizes[0]).toBe(1)
    expect(gated.batchSizes.slice(1, -1).every((count) => count > 1)).toBe(true) // coalesced, cut by bytes
    expect(gated.batchSizes.reduce((a, b) => a + b)).toBe(201)
  })

  it('a retried coalesced request re-sends the same messages with the same messageIds', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 2, maxInFlight: 1, maxRetries: 3 }, gated)
    const { callback, results } = outcomes(12)
    for (let i = 0; i < 12; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    gated.releaseAll(200) // the first request (2 messages) is delivered; the other 10 coalesce
    await vi.waitFor(() => expect(gated.bodies).toHaveLength(2))
    gated.releaseAll(503) // the coalesced request fails once...
    await vi.waitFor(() => expect(gated.bodies).toHaveLength(3))
    await releaseUntil(gated, () => results.length === 12) // ...and is retried whole
    const ids = (body: string) => (JSON.parse(body) as { batch: { messageId: string }[] }).batch.map((m) => m.messageId)
    expect(gated.batchSizes).toEqual([2, 10, 10])
    expect(ids(gated.bodies[2]!)).toEqual(ids(gated.bodies[1]!))
    expect(results.every((r) => r.error === undefined)).toBe(true)
  })

  it('flush() during a backlog settles once everything queued before it has an outcome', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 3, maxInFlight: 1 }, gated)
    const { callback, results } = outcomes(20)
    for (let i = 0; i < 10; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    let flushed = false
    const flushing = client.flush().then(() => (flushed = true))
    for (let i = 10; i < 20; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    gated.releaseAll() // first request: 3 messages
    await tick()
    expect(flushed).toBe(false)
    gated.releaseAll() // second: the 17 waiting, coalesced; they include all 10 before the flush
    await flushing
    expect(results.length).toBe(20)
    expect(gated.batchSizes).toEqual([3, 17])
  })

  it('close() deadline: a backlog waiting for a slot fails with deadline, each message once', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 2, maxInFlight: 1 }, gated)
    const { callback, settled, results } = outcomes(50)
    for (let i = 0; i < 50; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    await client.close({ timeout: 30 })
    await settled
    expect(results.map((r) => r.error?.reason)).toEqual(Array(50).fill('deadline'))
    expect(gated.batchSizes).toEqual([2])
  })
})
