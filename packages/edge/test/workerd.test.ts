// The adapter in workerd, Cloudflare's runtime, through Miniflare: a timer armed in a request
// that returned never fires there, so every event below reaches the collector through waitUntil.
import { startCollector, type Collector } from '@cdp-analytics/node/testing'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bundle } from './helpers/bundle.js'

const WRITE_KEY = 'workerd-write-key'
let collector: Collector
let mf: Miniflare

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const script = await bundle(new URL('./fixtures/worker.ts', import.meta.url).pathname)
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-09-01',
    cf: false,
    bindings: { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url },
  })
  await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
  await collector?.close()
})

beforeEach(() => collector.reset())

const get = async (path: string) => {
  const response = await mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body: 'work' })
  return { status: response.status, text: await response.text() }
}

const ofRun = (run: string) =>
  collector.messages.filter((m) => (m.properties as { run?: string } | undefined)?.run === run || m.userId === run)

describe('workerd: per-request client with waitUntil', () => {
  it('delivers every event after the response, one HTTP request per Worker request', async () => {
    for (const run of ['pr1', 'pr2', 'pr3']) expect(await get(`/per-request?run=${run}&n=4`)).toEqual({ status: 200, text: 'ok' })
    const messages = await collector.waitForMessages(12, { timeoutMs: 20_000 })
    expect(messages).toHaveLength(12)
    for (const run of ['pr1', 'pr2', 'pr3']) expect(ofRun(run)).toHaveLength(4)
    expect(collector.requests).toHaveLength(3)
    expect(collector.requests.every((r) => r.valid && r.status === 200)).toBe(true)
    expect(messages.every((m) => (m.context as { library: { name: string } }).library.name === '@cdp-analytics/edge')).toBe(true)
  })

  it('gzips the body with compress: true (CompressionStream exists in workerd)', async () => {
    await get('/compressed?run=gz&n=5')
    await collector.waitForMessages(5, { timeoutMs: 20_000 })
    const [request] = collector.requests
    expect(request!.headers['content-encoding']).toBe('gzip')
    expect(request!.valid).toBe(true)
    expect(request!.bytes).toBeLessThan(Buffer.byteLength(request!.rawBody) / 4)
  })
})

describe('workerd: module-scope client', () => {
  it('withAnalytics: each request is delivered without waiting for a later request', async () => {
    for (const run of ['ms1', 'ms2']) {
      expect(await get(`/module?run=${run}&n=3`)).toEqual({ status: 200, text: 'ok' })
      // No further request is made until these arrive: a later request must not be needed.
      await collector.waitForMessages(run === 'ms1' ? 3 : 6, { timeoutMs: 20_000 })
      expect(ofRun(run)).toHaveLength(3)
    }
    // The calls before and after the handler's await went out together.
    expect(collector.requests.map((r) => (r.body as { batch: unknown[] }).batch.length)).toEqual([3, 3])
  })

  it('bind(ctx): concurrent requests all deliver', async () => {
    const runs = ['b1', 'b2', 'b3', 'b4', 'b5']
    const responses = await Promise.all(runs.map((run) => get(`/bound?run=${run}&n=3`)))
    expect(responses.every((r) => r.text === 'ok')).toBe(true)
    await collector.waitForMessages(15, { timeoutMs: 20_000 })
    for (const run of runs) expect(ofRun(run)).toHaveLength(3)
    expect(collector.requests.length).toBeLessThanOrEqual(runs.length)
    expect(collector.duplicateMessageIds().size).toBe(0)
  })

  it('bind(ctx): more concurrent requests than connections, with a slow API, all deliver', async () => {
    // Each send must start in a request whose drain waits for it: a send started from another
    // request's continuation is cancelled when that request ends (workerd), losing its events.
    collector.enqueueResponses(...Array.from({ length: 16 }, () => ({ delayMs: 300 })))
    const runs = Array.from({ length: 16 }, (_, i) => `slow${i}`)
    // One after another, each answered at once: more sends are in flight than the core's default of 4.
    for (const run of runs) expect((await get(`/bound?run=${run}&n=1`)).text).toBe('ok')
    await collector.waitForMessages(runs.length, { timeoutMs: 20_000 })
    for (const run of runs) expect(ofRun(run)).toHaveLength(1)
  })

  it("bind(ctx): events queued after the response by the request's own task are delivered", async () => {
    expect(await get('/late?run=late&n=2')).toEqual({ status: 200, text: 'ok' })
    await collector.waitForMessages(2, { timeoutMs: 20_000 })
    expect(ofRun('late').map((m) => m.event)).toEqual(['late', 'late'])
  })

  it('a handler that throws still delivers what it queued', async () => {
    const response = await get('/throw?run=boom&n=2')
    expect(response.status).toBe(500)
    await collector.waitForMessages(2, { timeoutMs: 20_000 })
    expect(ofRun('boom').map((m) => m.event)).toEqual(['before_throw', 'before_throw'])
  })
})
