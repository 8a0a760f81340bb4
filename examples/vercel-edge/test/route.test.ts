// Runs the route handler in Vercel's edge-runtime against the local collector: after
// `response.waitUntil()` settles, the events must already be there.
import { startCollector, type Collector } from '@cdp-analytics/node/testing'
import { build } from 'esbuild'
import { EdgeRuntime } from 'edge-runtime'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'vercel-example-write-key'
let collector: Collector
let runtime: EdgeRuntime

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const { outputFiles } = await build({
    entryPoints: [new URL('./harness.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'neutral',
    // Next.js builds Edge routes with the `edge-light` condition and inlines process.env.
    conditions: ['edge-light', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    define: {
      'process.env.CDP_WRITE_KEY': JSON.stringify(WRITE_KEY),
      'process.env.CDP_ENDPOINT': JSON.stringify(collector.url),
    },
    logLevel: 'silent',
  })
  runtime = new EdgeRuntime({ initialCode: outputFiles[0]!.text })
})

afterAll(async () => {
  await collector?.close()
})

async function post(body: unknown) {
  const response = await runtime.dispatchFetch('http://localhost/api/track', { method: 'POST', body: JSON.stringify(body) })
  const json = await response.json()
  await response.waitUntil()
  return json
}

it('delivers the events of each request within that request', async () => {
  expect(await post({ userId: 'u-1', event: 'added_to_cart', properties: { product: 'shoes', price: 39.95 } })).toEqual({ ok: true })
  expect(collector.messages.map((m) => [m.type, m.userId])).toEqual([
    ['track', 'u-1'],
    ['identify', 'u-1'],
  ])
  expect(collector.requests).toHaveLength(1) // both calls in one batch

  await post({ userId: 'u-2', event: 'checkout' })
  expect(collector.messages).toHaveLength(4)
  expect(collector.requests.every((r) => r.valid)).toBe(true)
  expect(collector.messages[0]!.context).toMatchObject({ library: { name: '@cdp-analytics/edge' } })
})
