import { describe, expect, it, vi } from 'vitest'
import { ClosedError, DeliveryError, MessageTooLargeError, QueueFullError, SerializationError, ValidationError } from '../src/errors.js'
import { MemoryTransport } from '../src/memory-transport.js'
import { GatedTransport, expectAllValid, makeClient, outcomes } from './helpers/client.js'

describe('batching', () => {
  it('sends a batch as soon as flushAt messages are queued', async () => {
    const { client, transport } = makeClient({ flushAt: 3 })
    const { callback, settled } = outcomes(3)
    for (let i = 0; i < 3; i++) client.track({ userId: `u${i}`, event: 'e' }, callback)
    await settled
    const memory = transport as MemoryTransport
    expect(memory.requests).toHaveLength(1)
    expect(memory.requests[0]!.body.batch.map((m) => m.userId)).toEqual(['u0', 'u1', 'u2'])
    expectAllValid(memory)
  })

  it('sends a partial batch after flushInterval (fake clock: the timer is under test)', async () => {
    vi.useFakeTimers()
    try {
      const { client, transport } = makeClient({ flushAt: 100, flushInterval: 5000 })
      client.track({ userId: 'u', event: 'e' })
      await vi.advanceTimersByTimeAsync(4999)
      expect((transport as MemoryTransport).requests).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      expect((transport as MemoryTransport).requests).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it.each([
    ['maxBatchBytes', { maxBatchBytes: 500_000 }, undefined, 500_000],
    // A transport that delivers only smaller units whole (a Queue's sendBatch) lowers it.
    ["the transport's maxBatchBytes", {}, 200_000, 200_000],
    ['the lower of the two', { maxBatchBytes: 150_000 }, 200_000, 150_000],
  ])('packs by bytes: no request body exceeds %s, nothing is split or lost', async (_name, options, transportLimit, limit) => {
    const memory = new MemoryTransport()
    if (transportLimit) Object.assign(memory, { maxBatchBytes: transportLimit })
    const { client } = makeClient({ flushAt: 1000, ...options }, memory)
    const big = 'x'.repeat(30_000)
    const { callback, settled, results } = outcomes(40)
    for (let i = 0; i < 40; i++) client.track({ userId: `u${i}`, event: 'big', properties: { big } }, callback)
    await client.flush()
    await settled
    for (const request of memory.requests) expect(new TextEncoder().encode(request.raw).length).toBeLessThanOrEqual(limit)
    expect(memory.requests.length).toBeGreaterThanOrEqual(Math.ceil(1_200_000 / limit))
    expect(memory.messages).toHaveLength(40)
    expect(results.every((r) => r.error === undefined)).toBe(true)
    expectAllValid(memory)
  })

  it('caps requests in flight at maxInFlight', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 1, maxInFlight: 2 }, gated)
    const { callback, settled, results } = outcomes(6)
    for (let i = 0; i < 6; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    await Promise.resolve()
    expect(gated.active).toBe(2)
    const flushed = client.flush()
    while (results.length < 6) {
      gated.releaseAll()
      await new Promise((r) => setTimeout(r, 0))
    }
    await Promise.all([flushed, settled])
    expect(gated.maxActive).toBe(2)
    expect(results.every((r) => r.error === undefined)).toBe(true)
  })
})

describe('outcomes: every call gets exactly one', () => {
  it('callbacks run once, after the call returned, with the delivered message', async () => {
    const { client } = makeClient({ flushAt: 2 })
    const { callback, settled, results } = outcomes(2)
    let returned = false
    client.identify({ userId: 'u', traits: { email: 'a@example.com' } }, (error, message) => {
      expect(returned).toBe(true)
      callback(error, message)
    })
    client.track({ userId: 'u', event: 'e' }, callback)
    returned = true
    await settled
    await client.close()
    expect(results.map((r) => [r.error, r.message?.type])).toEqual([
      [undefined, 'identify'],
      [undefined, 'track'],
    ])
  })

  it('a bad message fails alone; the good ones in the same batch are delivered', async () => {
    const { client, transport } = makeClient({ flushAt: 4 })
    const circular: Record<string, unknown> = { a: 1 }
    circular.self = circular
    const { callback, settled, results } = outcomes(4)
    client.track({ userId: 'u', event: 'ok-1' }, callback)
    client.track({ userId: 'u', event: 'bigint', properties: { nested: { amount: 10n } } }, callback)
    client.track({ userId: 'u', event: 'cycle', properties: { circular } }, callback)
    client.track({ userId: 'u', event: 'ok-2' }, callback)
    await client.flush()
    await settled
    const byEvent = Object.fromEntries(results.map((r) => [r.message?.event, r.error]))
    expect(byEvent['ok-1']).toBeUndefined()
    expect(byEvent['ok-2']).toBeUndefined()
    expect(byEvent.bigint).toBeInstanceOf(SerializationError)
    expect(byEvent.bigint!.message).toMatch(/"properties\.nested\.amount" cannot be serialized/)
    expect(byEvent.cycle).toBeInstanceOf(SerializationError)
    expect(byEvent.cycle!.message).toMatch(/"properties\.circular\.self"/)
    expect((transport as MemoryTransport).messages.map((m) => m.event)).toEqual(['ok-1', 'ok-2'])
  })

  it('a message over 32,000 bytes is refused before sending', async () => {
    const { client, transport } = makeClient()
    const { callback, settled, results } = outcomes(1)
    client.track({ userId: 'u', event: 'e', properties: { blob: 'é'.repeat(16_000) } }, callback)
    await settled
    expect(results[0]!.error).toBeInstanceOf(MessageTooLargeError)
    expect((results[0]!.error as MessageTooLargeError).bytes).toBeGreaterThan(32_000)
    await client.flush()
    expect((transport as MemoryTransport).requests).toHaveLength(0)
  })

  it('invalid input reaches the callback and the failed event, never the caller', async () => {
    const { client } = makeClient()
    const failed = vi.fn()
    client.on('failed', failed)
    const { callback, settled, results } = outcomes(1)
    expect(() => client.track({ userId: 'u' } as never, callback)).not.toThrow()
    await settled
    expect(results[0]!.error).toBeInstanceOf(ValidationError)
    expect(results[0]!.error!.message).toBe('track: "event" is required')
    expect(failed).toHaveBeenCalledTimes(1)
    expect(client.stats.failedByReason).toEqual({ invalid: 1 })
  })

  it('strict mode throws invalid input at the caller', () => {
    const { client } = makeClient({ strict: true })
    expect(() => client.track({ userId: 'u' } as never)).toThrow(ValidationError)
  })

  it.each([
    ['maxQueueSize', { maxQueueSize: 3 }, /^queue is full \(maxQueueSize 3 messages\); message dropped$/],
    ['maxQueueBytes', { maxQueueBytes: 600 }, /^queue is full \(maxQueueBytes 600 bytes\); message dropped$/],
  ])(
    'a full queue (%s) refuses the newest messages with queue_full, after the call returned, in call order',
    async (_bound, limit, text) => {
      const { client } = makeClient({ flushAt: 100, ...limit })
      for (let i = 0; i < 3; i++) client.track({ userId: 'u', event: `e${i}` })
      const failed: unknown[] = []
      client.on('failed', ({ error, message }) => failed.push([error.reason, message]))
      const order: string[] = []
      for (let i = 0; i < 3; i++) {
        client.track({ userId: 'u', event: `overflow${i}` }, (error) => {
          expect(error?.message).toMatch(text)
          order.push(`${i}: ${error?.reason}`)
        })
      }
      order.push('returned')
      await Promise.resolve()
      expect(order).toEqual(['returned', '0: queue_full', '1: queue_full', '2: queue_full'])
      // Refused without being kept (issue 22): the outcome carries no message.
      expect(failed).toEqual(Array(3).fill(['queue_full', undefined]))
      await client.close()
      expect(client.stats).toMatchObject({ delivered: 3, failed: 3, failedByReason: { queue_full: 3 } })
    },
  )

  it('a burst into a full queue reports every refusal once, with a QueueFullError naming the bound', async () => {
    const { client } = makeClient({ flushAt: 100, maxQueueSize: 10 })
    const errors: unknown[] = []
    for (let i = 0; i < 1000; i++) client.track({ userId: 'u', event: `e${i}` }, (error) => error && errors.push(error))
    await Promise.resolve()
    expect(errors).toHaveLength(990)
    expect(errors.every((error) => error instanceof QueueFullError && /maxQueueSize 10 messages/.test(error.message))).toBe(true)
    expect(client.stats).toMatchObject({ queued: 10, failed: 990, failedByReason: { queue_full: 990 } })
  })

  it('a throwing callback does not stop the others', async () => {
    const { client } = makeClient({ flushAt: 2 })
    const { callback, settled } = outcomes(1)
    client.track({ userId: 'u', event: 'a' }, () => {
      throw new Error('user bug')
    })
    client.track({ userId: 'u', event: 'b' }, callback)
    await settled
  })
})

describe('retries', () => {
  it('retries 5xx with the same messageIds, then delivers', async () => {
    const { client, transport } = makeClient({ flushAt: 2 })
    const memory = transport as MemoryTransport
    memory.respondWith(500, { status: 503, retryAfter: '0' }, { networkError: 'ECONNRESET' })
    const retries = vi.fn()
    client.on('retry', retries)
    const { callback, settled, results } = outcomes(2)
    client.track({ userId: 'u', event: 'a' }, callback)
    client.track({ userId: 'u', event: 'b' }, callback)
    await settled
    expect(results.every((r) => r.error === undefined)).toBe(true)
    expect(memory.requests).toHaveLength(4)
    const ids = memory.requests.map((r) => r.body.batch.map((m) => m.messageId).join())
    expect(new Set(ids).size).toBe(1)
    expect(retries).toHaveBeenCalledTimes(3)
  })

  it('does not retry a 400 and reports it', async () => {
    const { client, transport } = makeClient({ flushAt: 1 })
    ;(transport as MemoryTransport).respondWith(400)
    const { callback, settled, results } = outcomes(1)
    client.track({ userId: 'u', event: 'a' }, callback)
    await settled
    expect(results[0]!.error).toBeInstanceOf(DeliveryError)
    expect(results[0]!.error).toMatchObject({ reason: 'rejected', status: 400, attempts: 1 })
    expect((transport as MemoryTransport).requests).toHaveLength(1)
  })

  it('gives up after maxRetries with retries_exhausted', async () => {
    const { client, transport } = makeClient({ flushAt: 1, maxRetries: 2 })
    ;(transport as MemoryTransport).respondWith(500, 500, 500, 500)
    const { callback, settled, results } = outcomes(1)
    client.track({ userId: 'u', event: 'a' }, callback)
    await settled
    expect(results[0]!.error).toMatchObject({ reason: 'retries_exhausted', attempts: 3 })
    expect((transport as MemoryTransport).requests).toHaveLength(3)
  })
})

describe('flush and close', () => {
  it('concurrent flush() calls share one promise; a flush after new calls covers them', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 100 }, gated)
    client.track({ userId: 'u', event: 'a' })
    const first = client.flush()
    expect(client.flush()).toBe(first)
    client.track({ userId: 'u', event: 'b' })
    const second = client.flush()
    expect(second).not.toBe(first)
    gated.releaseAll()
    await first
    await Promise.resolve()
    gated.releaseAll()
    await second
    expect(gated.bodies).toHaveLength(2)
  })

  it('close() is idempotent and later calls fail with ClosedError', async () => {
    const { client, transport } = makeClient()
    client.track({ userId: 'u', event: 'before' })
    const closing = client.close()
    expect(client.close()).toBe(closing)
    await closing
    expect((transport as MemoryTransport).messages.map((m) => m.event)).toEqual(['before'])
    const { callback, settled, results } = outcomes(1)
    client.track({ userId: 'u', event: 'after' }, callback)
    await settled
    expect(results[0]!.error).toBeInstanceOf(ClosedError)
  })

  it('close({ timeout }) keeps its deadline and fails what is left with reason deadline', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 1, maxInFlight: 1 }, gated)
    const { callback, settled, results } = outcomes(3)
    for (let i = 0; i < 3; i++) client.track({ userId: 'u', event: `e${i}` }, callback)
    const started = Date.now()
    await client.close({ timeout: 100 })
    await settled
    expect(Date.now() - started).toBeLessThan(2000)
    expect(results.map((r) => r.error?.reason)).toEqual(['deadline', 'deadline', 'deadline'])
    expect(client.pending).toBe(0)
  })

  it('drain() (the Node exit hook) delivers or cuts off what is pending like close(), but the client stays open', async () => {
    const gated = new GatedTransport()
    const { client } = makeClient({ flushAt: 1, maxInFlight: 1 }, gated)
    const first = outcomes(2)
    for (let i = 0; i < 2; i++) client.track({ userId: 'u', event: `e${i}` }, first.callback)
    await client.drain({ timeout: 50 })
    await first.settled
    expect(first.results.map((r) => r.error?.reason)).toEqual(['deadline', 'deadline'])
    expect(client.closed).toBe(false)
    // Past that drain's deadline, new calls are sent as usual, not cut short.
    const later = outcomes(1)
    client.track({ userId: 'u', event: 'later' }, later.callback)
    const flushed = client.flush()
    gated.releaseAll()
    await flushed
    await later.settled
    expect(later.results[0]!.error).toBeUndefined()
    expect(gated.batchSizes).toEqual([1, 1])
  })
})

describe('events and stats', () => {
  it('emits request and delivered events and counts them', async () => {
    const { client } = makeClient({ flushAt: 2 })
    const requests = vi.fn()
    const delivered = vi.fn()
    client.on('request', requests)
    client.on('delivered', delivered)
    client.track({ userId: 'u', event: 'a' })
    client.track({ userId: 'u', event: 'b' })
    await client.flush()
    expect(requests).toHaveBeenCalledWith(expect.objectContaining({ status: 200, messageCount: 2, attempt: 1 }))
    expect(delivered).toHaveBeenCalledTimes(2)
    expect(client.stats).toMatchObject({ enqueued: 2, delivered: 2, failed: 0, requests: 1, queued: 0, sending: 0 })
  })
})

describe('nothing background throws into the host', () => {
  it('a throwing logger and a throwing listener do not break delivery', async () => {
    const throwing = () => {
      throw new Error('broken logger')
    }
    const { client, transport } = makeClient({
      flushAt: 1,
      verbose: true,
      logger: { debug: throwing, info: throwing, warn: throwing, error: throwing },
    })
    ;(transport as MemoryTransport).respondWith(500, 400)
    client.on('request', throwing)
    const { callback, settled, results } = outcomes(2)
    client.track({ userId: 'u', event: 'a' }, callback)
    client.track({ userId: 'u', event: 'b' }, callback)
    await settled
    expect(results.map((r) => r.error?.reason ?? 'delivered').sort()).toEqual(['delivered', 'rejected'])
  })
})

describe('a transport bug cannot lose messages silently', () => {
  it('a delivery that throws before reporting fails its messages with reason internal', async () => {
    const { client } = makeClient({ flushAt: 2 }, { send: () => Promise.resolve(undefined as never) })
    const { callback, settled, results } = outcomes(2)
    client.track({ userId: 'u', event: 'a' }, callback)
    client.track({ userId: 'u', event: 'b' }, callback)
    await settled
    expect(results.map((r) => r.error?.reason)).toEqual(['internal', 'internal'])
  })
})

describe('messages queued without a callback', () => {
  it('are still handed whole to delivered and failed listeners', async () => {
    const { client, transport } = makeClient({ flushAt: 1 })
    ;(transport as MemoryTransport).respondWith(200, 400)
    const delivered: unknown[] = []
    const failed: unknown[] = []
    client.on('delivered', ({ message }) => delivered.push(message))
    client.on('failed', ({ error, message }) => failed.push([error.reason, message]))
    client.track({ userId: 'u', event: 'ok', properties: { at: new Date(0) } })
    client.track({ userId: 'u', event: 'bad' })
    await client.flush()
    expect(delivered).toEqual([
      expect.objectContaining({
        type: 'track',
        event: 'ok',
        messageId: expect.any(String),
        properties: { at: '1970-01-01T00:00:00.000Z' },
      }),
    ])
    expect(failed).toEqual([['rejected', expect.objectContaining({ type: 'track', event: 'bad', userId: 'u' })]])
  })
})

describe('mocking in tests', () => {
  // The client's internals are #private fields: a spy wraps a method and calls it with the client
  // itself as `this`, so spying keeps working and the call is still delivered.
  it.each(['identify', 'track', 'page', 'screen', 'group', 'alias'] as const)(
    'vi.spyOn(client, %j) records the call and the message is still delivered',
    async (call) => {
      const { client, transport } = makeClient()
      const spy = vi.spyOn(client, call)
      const params = { userId: 'u', previousId: 'p', groupId: 'g', event: 'e' }
      const { callback, settled, results } = outcomes(1)
      ;(client[call] as (params: unknown, callback: unknown) => void)(params, callback)
      await client.flush()
      await settled
      expect(spy).toHaveBeenCalledWith(params, callback)
      expect(results[0]!.error).toBeUndefined()
      expect((transport as MemoryTransport).requests.flatMap((r) => r.body.batch.map((m) => m.type))).toEqual([call])
      await client.close()
    },
  )
})
