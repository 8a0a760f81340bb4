import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/index.js'
import { client, collector, deadPort, expectAllValid, outcomes, WRITE_KEY } from './helpers/setup.js'

describe('delivery to a real collector', () => {
  it('batches by count: 45 calls at flushAt 20 make 3 requests, all valid', async () => {
    const local = await collector()
    const analytics = client(local.url, { flushAt: 20 })
    for (let i = 0; i < 45; i++) analytics.track({ userId: `u${i}`, event: 'Course Started', properties: { i } })
    await analytics.close()
    expect(local.requests.map((r) => (r.body as { batch: unknown[] }).batch.length)).toEqual([20, 20, 5])
    expect(local.messages.map((m) => (m.properties as { i: number }).i)).toEqual([...Array(45).keys()])
    expect(local.requests.every((r) => r.headers.authorization === `Basic ${btoa(`${WRITE_KEY}:`)}`)).toBe(true)
    expectAllValid(local)
  })

  it('packs by bytes: 60 messages of ~30 kB never make a body over 500,000 bytes', async () => {
    const local = await collector()
    const analytics = client(local.url, { flushAt: 1000 })
    const blob = 'ü'.repeat(14_500) // 29,000 bytes of UTF-8 in 14,500 characters
    for (let i = 0; i < 60; i++) analytics.track({ userId: 'u', event: 'big', properties: { i, blob } })
    await analytics.close()
    expect(local.messages).toHaveLength(60)
    expect(Math.max(...local.requests.map((r) => r.bytes))).toBeLessThanOrEqual(500_000)
    expect(local.requests.length).toBe(4) // 16 fit per request: 16 + 16 + 16 + 12
    expectAllValid(local)
  })

  it('sends a partial batch after flushInterval without flush()', async () => {
    const local = await collector()
    const analytics = client(local.url, { flushAt: 100, flushInterval: 200 })
    const started = Date.now()
    analytics.track({ userId: 'u', event: 'lonely' })
    await local.waitForMessages(1, { timeoutMs: 3000 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
  })

  it('tolerates a trailing slash and a path prefix in endpoint', async () => {
    const local = await collector()
    const analytics = client(`${local.url}/proxy/`)
    analytics.track({ userId: 'u', event: 'e' })
    await analytics.flush()
    expect(local.requests[0]!.path).toBe('/proxy/v1/batch')
  })
})

describe('retries against a misbehaving collector', () => {
  it.each([
    ['500', { status: 500 }],
    ['503 with Retry-After', { status: 503, retryAfter: 0 }],
    ['429 with Retry-After', { status: 429, retryAfter: 1 }],
    ['connection reset', { action: 'reset' as const }],
    ['timeout (no answer)', { action: 'hang' as const }],
  ])('%s then 200: delivered, same messageIds, one outcome each', async (_name, plan) => {
    const local = await collector()
    local.enqueueResponses(plan)
    // A short timeout only where the fault is one (the hang), and 5x what a loaded machine's answer
    // takes even there: a slow 200 must not time out into a third request.
    const timeout = 'action' in plan && plan.action === 'hang' ? 1500 : 5000
    const analytics = client(local.url, { flushAt: 3, timeout })
    const { callback, settled, results } = outcomes(3)
    for (let i = 0; i < 3; i++) analytics.track({ userId: 'u', event: `e${i}` }, callback)
    await settled
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined])
    expect(local.requests).toHaveLength(2)
    const ids = local.requests.map((r) => (r.rawBody.match(/"messageId":"[^"]+"/g) ?? []).join())
    expect(ids[0]).toBe(ids[1])
    expect(local.duplicateMessageIds().size).toBe(0)
    expectAllValid(local)
  })

  it('does not retry a 400: the batch goes again in halves, and only the refused message fails, with why', async () => {
    const local = await collector()
    const refused = { status: 400, body: '{"meta":{"errors":["bad field"]}}' }
    // The batch of two, then its halves: "a" (the collector's own verdict, 200), then "b", refused again.
    local.enqueueResponses(refused, {}, refused)
    const analytics = client(local.url, { flushAt: 2 })
    const { callback, settled, results } = outcomes(2)
    analytics.track({ userId: 'u', event: 'a' }, callback)
    analytics.track({ userId: 'u', event: 'b' }, callback)
    await settled
    expect(local.requests.map((r) => r.status)).toEqual([400, 200, 400])
    expect(results.map((r) => [r.event, r.error?.reason ?? 'delivered'])).toEqual([
      ['a', 'delivered'],
      ['b', 'rejected'],
    ])
    expect(results[1]!.error).toMatchObject({ name: 'DeliveryError', reason: 'rejected', status: 400, attempts: 1 })
    expect(results[1]!.error!.message).toContain('bad field')
    expect(local.messages.map((m) => m.event)).toEqual(['a'])
  })

  it('close({ timeout }) keeps its deadline with a dead endpoint and reports what is left', async () => {
    // Real backoff (500 ms doubling), so retries are still running when the deadline passes.
    const analytics = client(`http://127.0.0.1:${await deadPort()}`, { flushAt: 5, retryBackoff: undefined })
    const { callback, settled, results } = outcomes(12)
    for (let i = 0; i < 12; i++) analytics.track({ userId: 'u', event: `e${i}` }, callback)
    const started = Date.now()
    await analytics.close({ timeout: 500 })
    expect(Date.now() - started).toBeLessThan(2500) // 5x; without the deadline, retries run for minutes
    await settled
    expect(results.map((r) => r.error?.name)).toEqual(Array(12).fill('DeliveryError'))
    expect(new Set(results.map((r) => r.error!.reason))).toEqual(new Set(['deadline']))
  })
})

describe('bounds and config', () => {
  it('a full queue drops the newest message with a reason, and keeps the rest', async () => {
    const local = await collector()
    const analytics = client(local.url, { flushAt: 1000, maxQueueSize: 10 })
    const { callback, settled, results } = outcomes(12)
    // A refused call is not built (issue 22): its outcome carries no message, the callback knows which call it was.
    for (let i = 0; i < 12; i++)
      analytics.track({ userId: 'u', event: `e${i}` }, (error, message) => callback(error, message ?? { event: `e${i}` }))
    await analytics.close()
    await settled
    const dropped = results.filter((r) => r.error)
    expect(dropped.map((r) => [r.event, r.error!.reason])).toEqual([
      ['e10', 'queue_full'],
      ['e11', 'queue_full'],
    ])
    expect(local.messages).toHaveLength(10)
  })

  it.each([
    ['missing writeKey', { writeKey: undefined }],
    ['empty writeKey', { writeKey: ' ' }],
    ['writeKey with CR/LF', { writeKey: 'key\r\nX-Injected: 1' }],
    ['header value with LF', { writeKey: 'k', headers: { 'X-Proxy': 'a\nb' } }],
    ['endpoint that is not a URL', { writeKey: 'k', endpoint: 'cdp.customer.io' }],
    ['flushAt 0', { writeKey: 'k', flushAt: 0 }],
  ])('%s is a ConfigError', (_name, options) => {
    expect(() => client('http://127.0.0.1:1', options as never)).toThrow(ConfigError)
  })

  it('never logs the write key, even verbose', async () => {
    const local = await collector()
    const lines: string[] = []
    const record = (...args: unknown[]) => lines.push(args.map(String).join(' '))
    const logger = { debug: record, info: record, warn: record, error: record }
    local.enqueueResponses({ status: 503 }, { status: 400 })
    const analytics = client(local.url, { verbose: true, logger, flushAt: 1 })
    analytics.track({ userId: 'u', event: 'e' })
    await analytics.close()
    expect(lines.length).toBeGreaterThan(2)
    const base64 = btoa(`${WRITE_KEY}:`)
    for (const line of lines) {
      expect(line).not.toContain(WRITE_KEY)
      expect(line).not.toContain(base64)
    }
  })
})
