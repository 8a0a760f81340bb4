// The adapter's own logic, in Node with the core's MemoryTransport: when drains start, which
// waitUntil they go to, and that nothing arms a timer. Real runtimes are in the other files.
import { MemoryTransport } from '@cdp-analytics/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Analytics, addDevice, deletePerson, withAnalytics, type EdgeAnalyticsOptions } from '../src/index.js'
import { FakeContext } from './helpers/wait-until.js'

function client(options: Partial<EdgeAnalyticsOptions> = {}) {
  const transport = new MemoryTransport()
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
  const analytics = new Analytics({ writeKey: 'wk', transport, logger, ...options })
  return { analytics, transport, logger }
}

const batchSizes = (transport: MemoryTransport) => transport.requests.map((request) => request.body.batch.length)

afterEach(() => {
  vi.restoreAllMocks()
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('@vercel/request-context')]
})

describe('per-request client (waitUntil option)', () => {
  it('registers one drain for the synchronous calls of a handler and sends them in one request', async () => {
    const ctx = new FakeContext()
    const { analytics, transport } = client({ waitUntil: ctx.waitUntil.bind(ctx) })
    for (let i = 0; i < 5; i++) analytics.track({ userId: 'u', event: `e${i}` })
    expect(ctx.promises).toHaveLength(1)
    expect(transport.requests).toHaveLength(0) // nothing is sent before the handler yields
    await ctx.settled()
    expect(batchSizes(transport)).toEqual([5])
    expect(analytics.pending).toBe(0)
  })

  // Issue 13 inside a drain: flushAt starts nothing on the edge; the drain sends what the handler
  // queued in as few requests as maxBatchSize and maxBatchBytes allow.
  it.each([
    ['defaults: one request', {}, [45]],
    ['maxBatchSize: flushAt restores fixed-size requests', { maxBatchSize: 20 }, [20, 20, 5]],
    ['maxBatchSize caps a request', { maxBatchSize: 30 }, [30, 15]],
    ['maxBatchBytes caps a request', { maxBatchBytes: 4_000 }, 'bytes'],
  ] as const)('45 calls in one handler, %s', async (_name, options, expected) => {
    const ctx = new FakeContext()
    const { analytics, transport } = client({ waitUntil: ctx.waitUntil.bind(ctx), ...options })
    for (let i = 0; i < 45; i++) analytics.track({ userId: 'u', event: `e${i}` })
    await ctx.settled()
    expect(transport.messages.map((m) => m.event)).toEqual(Array.from({ length: 45 }, (_, i) => `e${i}`))
    if (expected === 'bytes') {
      expect(transport.requests.length).toBeGreaterThan(1)
      for (const request of transport.requests) expect(new TextEncoder().encode(request.raw).length).toBeLessThanOrEqual(4_000)
    } else {
      expect(batchSizes(transport)).toEqual(expected)
    }
  })

  it('picks up calls made while the drain runs, within the same waitUntil', async () => {
    const ctx = new FakeContext()
    const { analytics, transport } = client({ waitUntil: ctx.waitUntil.bind(ctx) })
    analytics.track({ userId: 'u', event: 'first' })
    await Promise.resolve()
    await Promise.resolve() // the drain has started its flush
    analytics.track({ userId: 'u', event: 'second' })
    expect(ctx.promises).toHaveLength(1)
    await ctx.settled()
    expect(transport.messages.map((m) => m.event)).toEqual(['first', 'second'])
    expect(analytics.pending).toBe(0)
  })

  it('starts a new cycle for calls after a drain ended', async () => {
    const ctx = new FakeContext()
    const { analytics, transport } = client({ waitUntil: ctx.waitUntil.bind(ctx) })
    analytics.track({ userId: 'u', event: 'a' })
    await ctx.settled()
    analytics.track({ userId: 'u', event: 'b' })
    expect(ctx.promises).toHaveLength(2)
    await ctx.settled()
    expect(batchSizes(transport)).toEqual([1, 1])
  })

  it('arms no timer when a call is queued or drained', async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval')
    const ctx = new FakeContext()
    const { analytics } = client({ waitUntil: ctx.waitUntil.bind(ctx), flushInterval: 10 })
    for (let i = 0; i < 30; i++) analytics.track({ userId: 'u', event: 'e' }) // more than flushAt (20): one drain, no count trigger
    await ctx.settled()
    expect(setTimeoutSpy).not.toHaveBeenCalled()
    expect(setIntervalSpy).not.toHaveBeenCalled()
  })

  it('reports a waitUntil that throws, and still delivers on flush()', async () => {
    const { analytics, transport, logger } = client({
      waitUntil: () => {
        throw new Error('This ExecutionContext is no longer valid')
      },
    })
    analytics.track({ userId: 'u', event: 'e' })
    expect(logger.error).toHaveBeenCalledTimes(1)
    await analytics.flush()
    expect(transport.messages).toHaveLength(1)
  })

  it('rejects a waitUntil that is not a function', () => {
    expect(() => new Analytics({ writeKey: 'wk', waitUntil: {} as never })).toThrow(/waitUntil must be a function/)
  })
})

describe('module-scope client', () => {
  it('bind(ctx): each request drains its own calls inside its own waitUntil', async () => {
    const { analytics, transport } = client()
    const a = new FakeContext()
    const b = new FakeContext()
    analytics.bind(a).track({ userId: 'a', event: 'e1' })
    analytics.bind(b).track({ userId: 'b', event: 'e1' })
    analytics.bind(a).track({ userId: 'a', event: 'e2' })
    expect(a.promises).toHaveLength(1)
    expect(b.promises).toHaveLength(1)
    await a.settled() // request a's waitUntil alone delivers a's events
    expect(transport.messages.filter((m) => m.userId === 'a')).toHaveLength(2)
    await b.settled()
    expect(transport.messages).toHaveLength(3)
    expect(analytics.bind(a)).toBe(analytics.bind(a))
  })

  it('bind(ctx) throws for something without waitUntil', () => {
    const { analytics } = client()
    expect(() => analytics.bind({} as never)).toThrow(/waitUntil/)
  })

  it('withAnalytics: drains what the handler queued when it returns', async () => {
    const { analytics, transport } = client()
    const handler = withAnalytics(analytics, async (_request: Request, _env: unknown, _ctx: FakeContext) => {
      analytics.track({ userId: 'u', event: 'before await' })
      await Promise.resolve()
      analytics.identify({ userId: 'u', traits: { plan: 'pro' } })
      return new Response('ok')
    })
    const ctx = new FakeContext()
    const response = await handler(new Request('http://x/'), {}, ctx)
    expect(await response.text()).toBe('ok')
    expect(ctx.promises).toHaveLength(1)
    await ctx.settled()
    expect(batchSizes(transport)).toEqual([2]) // the whole request in one batch
  })

  it('withAnalytics: drains when the handler throws, and rethrows', async () => {
    const { analytics, transport } = client()
    const handler = withAnalytics(
      () => analytics,
      (_request: Request, _env: unknown, _ctx: FakeContext) => {
        analytics.track({ userId: 'u', event: 'doomed' })
        throw new Error('boom')
      },
    )
    const ctx = new FakeContext()
    await expect(handler(new Request('http://x/'), {}, ctx)).rejects.toThrow('boom')
    await ctx.settled()
    expect(transport.messages.map((m) => m.event)).toEqual(['doomed'])
  })

  it("Customer.io's semantic helpers through bind(ctx) drain inside that request's waitUntil", async () => {
    const { analytics, transport, logger } = client()
    const ctx = new FakeContext()
    deletePerson(analytics.bind(ctx), { userId: 'u' })
    addDevice(analytics.bind(ctx), { userId: 'u', token: 'fcm-1', type: 'android' })
    expect(ctx.promises).toHaveLength(1)
    await ctx.settled()
    expect(transport.messages.map((m) => m.event)).toEqual(['User Deleted', 'Device Created or Updated'])
    expect(logger.warn).not.toHaveBeenCalled()
  })

  it('a call outside any request rides on a running drain', async () => {
    const { analytics, transport, logger } = client()
    const ctx = new FakeContext()
    analytics.bind(ctx).track({ userId: 'u', event: 'bound' })
    analytics.track({ userId: 'u', event: 'stray' }) // e.g. from a streamed body
    await ctx.settled()
    expect(transport.messages).toHaveLength(2)
    expect(logger.warn).not.toHaveBeenCalled()
  })

  /** The end of a request: its handler returned, and what it started without awaiting ran on. */
  const requestEnds = () => new Promise((resolve) => setImmediate(resolve))

  it('without any waitUntil, events a handler leaves behind (no flush before it returns) are warned about once, and delivered on flush()', async () => {
    const { analytics, transport, logger } = client()
    analytics.track({ userId: 'u', event: 'a' })
    analytics.track({ userId: 'u', event: 'b' })
    await requestEnds()
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(String(logger.warn.mock.calls[0]![0])).toMatch(/^cdp-analytics: no waitUntil for this event; .*await analytics\.flush\(\)/)
    analytics.track({ userId: 'u', event: 'c' }) // a later request: the same warning is not repeated
    await requestEnds()
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(transport.requests).toHaveLength(0)
    await analytics.flush()
    expect(batchSizes(transport)).toEqual([3])
  })

  it.each([
    // how each request ends, the events delivered (after close(), later calls fail with `closed`)
    ['await analytics.flush()', (analytics: Analytics) => analytics.flush(), ['r0', 'r1', 'r2']],
    ['await analytics.close()', (analytics: Analytics) => analytics.close(), ['r0']],
  ])(
    'without any waitUntil, a call followed by %s is not warned about (issue 20): nothing is left behind',
    async (_, settle, delivered) => {
      const { analytics, transport, logger } = client()
      for (let request = 0; request < 3; request++) {
        analytics.track({ userId: 'u', event: `r${request}` })
        await settle(analytics)
        await requestEnds()
      }
      // (After close(), the refused calls are logged as unhandled `closed` failures: another warning.)
      expect(logger.warn.mock.calls.filter(([line]) => String(line).includes('no waitUntil'))).toEqual([])
      expect(transport.messages.map((m) => m.event)).toEqual(delivered)
    },
  )

  describe('the "no waitUntil" warning in long-lived runtimes (Deno, Bun)', () => {
    afterEach(() => {
      delete (globalThis as Record<string, unknown>).Deno
      delete (globalThis as Record<string, unknown>).Bun
    })
    it.each([
      ['Deno, flushing per request as the README says', 0, 'Deno', true],
      ['Bun, flushing per request as the README says', 0, 'Bun', true],
      ['Deno, never flushing', 1, 'Deno', false],
      ['a Worker without its ctx (no Deno or Bun), flushing per request', 0, undefined, true],
      ['a Worker without its ctx (no Deno or Bun), never flushing', 1, undefined, false],
    ] as const)('%s: %i warning(s)', async (_name, warnings, runtime, flushes) => {
      if (runtime) (globalThis as Record<string, unknown>)[runtime] = {}
      const { analytics, transport, logger } = client({ flushAt: 5 })
      for (let request = 0; request < 4; request++) {
        analytics.track({ userId: 'u', event: `r${request}a` })
        analytics.track({ userId: 'u', event: `r${request}b` })
        if (flushes) await analytics.flush()
        await requestEnds()
      }
      await analytics.flush()
      expect(transport.messages).toHaveLength(8)
      expect(logger.warn).toHaveBeenCalledTimes(warnings)
    })
  })

  it('without any waitUntil, still sends once flushAt messages wait (a long-lived Deno or Bun server)', async () => {
    const { analytics, transport } = client({ flushAt: 3 })
    for (let i = 0; i < 7; i++) analytics.track({ userId: 'u', event: `e${i}` })
    await vi.waitFor(() => expect(transport.messages).toHaveLength(6))
    expect(batchSizes(transport)).toEqual([3, 3])
    await analytics.flush()
    expect(batchSizes(transport)).toEqual([3, 3, 1])
  })
})

describe('Vercel request context', () => {
  it('uses the waitUntil of the current request context when none is given', async () => {
    const ctx = new FakeContext()
    ;(globalThis as Record<symbol, unknown>)[Symbol.for('@vercel/request-context')] = { get: () => ctx }
    const { analytics, transport } = client()
    analytics.track({ userId: 'u', event: 'e' })
    analytics.page({ userId: 'u', name: 'Home' })
    expect(ctx.promises).toHaveLength(1)
    await ctx.settled()
    expect(batchSizes(transport)).toEqual([2])
  })

  it('the waitUntil option wins over the request context', async () => {
    const vercel = new FakeContext()
    const own = new FakeContext()
    ;(globalThis as Record<symbol, unknown>)[Symbol.for('@vercel/request-context')] = { get: () => vercel }
    const { analytics } = client({ waitUntil: own.waitUntil.bind(own) })
    analytics.track({ userId: 'u', event: 'e' })
    expect(own.promises).toHaveLength(1)
    expect(vercel.promises).toHaveLength(0)
    await own.settled()
  })
})

describe('library', () => {
  it('names itself @cdp-analytics/edge', async () => {
    const ctx = new FakeContext()
    const { analytics, transport } = client({ waitUntil: ctx.waitUntil.bind(ctx) })
    analytics.track({ userId: 'u', event: 'e' })
    await ctx.settled()
    expect((transport.messages[0]!.context as { library: { name: string } }).library.name).toBe('@cdp-analytics/edge')
  })
})

// The core leaves these to the runtime (Runtime.checkConnection), so a page does not carry them; the
// edge client sends the write key in an Authorization header and must keep them.
describe('connection checks', () => {
  it.each(['wk\r\nX-Injected: 1', 'wk\n', 'wk\0'])('a writeKey with CR, LF or NUL is a ConfigError: %j', (writeKey) => {
    expect(() => client({ writeKey })).toThrow(/writeKey must not contain CR, LF or NUL characters/)
  })

  it.each([
    ['http://cdp.example.com', 1],
    ['http://127.0.0.1:8080', 0],
    ['https://cdp.customer.io', 0],
  ])('%s: %i plain-http warning(s)', (endpoint, count) => {
    const { logger } = client({ endpoint })
    expect(logger.warn.mock.calls.filter(([line]) => /plain http.*Use https/.test(String(line)))).toHaveLength(count)
  })
})
