// Calls the Node.js route's exported POST directly (as Next.js does), and runs the Edge route in
// Vercel's edge-runtime, both against the local collector.
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { EdgeRuntime } from 'edge-runtime'
import { build } from 'esbuild'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

const WRITE_KEY = 'nextjs-route-example'
let collector: Collector

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
})
afterAll(async () => {
  await collector?.close()
})
beforeEach(() => collector.reset())

const body = (userId: string, event: string) => JSON.stringify({ userId, event, properties: { plan: 'pro' } })

describe('Node.js runtime: app/api/track/route.js', () => {
  let POST: (request: Request) => Promise<Response>
  beforeAll(async () => {
    process.env.CDP_WRITE_KEY = WRITE_KEY
    process.env.CDP_ENDPOINT = collector.url
    ;({ POST } = await import('../app/api/track/route.js'))
  })

  it('each invocation has delivered its events when it returns', async () => {
    const response = await POST(new Request('http://localhost/api/track', { method: 'POST', body: body('u-1', 'Signed Up') }))
    expect(await response.json()).toEqual({ ok: true, failures: [] })
    expect(collector.messages.map((m) => [m.type, m.userId])).toEqual([
      ['track', 'u-1'],
      ['identify', 'u-1'],
    ])
    expect(collector.messages[0]).toMatchObject({
      event: 'Signed Up',
      properties: { plan: 'pro' },
      context: { library: { name: '@cdp-analytics/node' } },
    })

    await POST(new Request('http://localhost/api/track', { method: 'POST', body: body('u-2', 'Upgraded') }))
    expect(collector.messages).toHaveLength(4)
    expect(collector.requests.every((r) => r.valid)).toBe(true)
  })

  it('a refused batch is reported in the response, not thrown', async () => {
    // The batch of two, then each half: a refused batch is sent again in halves to find the refused message.
    collector.enqueueResponses({ status: 400 }, { status: 400 }, { status: 400 })
    const response = await POST(new Request('http://localhost/api/track', { method: 'POST', body: body('u-3', 'Signed Up') }))
    expect(await response.json()).toEqual({ ok: false, failures: ['rejected', 'rejected'] })
  })
})

describe('Edge runtime: app/api/track-edge/route.js in edge-runtime', () => {
  let runtime: EdgeRuntime
  beforeAll(async () => {
    const { outputFiles } = await build({
      entryPoints: [new URL('./edge-harness.js', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      conditions: ['edge-light', 'worker', 'browser'], // what Next.js builds Edge routes with
      mainFields: ['module', 'main'],
      define: { 'process.env.CDP_WRITE_KEY': JSON.stringify(WRITE_KEY), 'process.env.CDP_ENDPOINT': JSON.stringify(collector.url) },
      logLevel: 'silent',
    })
    runtime = new EdgeRuntime({ initialCode: outputFiles[0]!.text })
  })

  it('answers at once; the events are delivered within the request (its waitUntil)', async () => {
    const response = await runtime.dispatchFetch('http://localhost/api/track-edge', { method: 'POST', body: body('e-1', 'Signed Up') })
    expect(await response.json()).toEqual({ ok: true })
    await response.waitUntil()
    expect(collector.messages.map((m) => [m.type, m.userId])).toEqual([
      ['track', 'e-1'],
      ['identify', 'e-1'],
    ])
    expect(collector.requests).toHaveLength(1)
    expect(collector.messages[0]).toMatchObject({ context: { library: { name: '@cdp-analytics/edge' } } })
    expect(collector.requests.every((r) => r.valid)).toBe(true)
  })
})
