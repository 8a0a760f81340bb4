// The Workers build of the same Hono app (src/worker.mjs), bundled as wrangler would (esbuild, the
// `workerd` condition) and run in workerd through Miniflare against the local collector.
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'

const WRITE_KEY = 'hono-worker-example'
let collector: Collector
let mf: Miniflare

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const { outputFiles } = await build({
    entryPoints: [new URL('../src/worker.mjs', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  })
  mf = new Miniflare({
    modules: true,
    script: outputFiles[0]!.text,
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

it('on Workers: a page view is delivered after the response, within the request', async () => {
  const response = await mf.dispatchFetch('http://example.com/pricing', { headers: { 'x-user-id': 'u1' } })
  expect(await response.text()).toBe('Hello from /pricing\n')
  const [page] = await collector.waitForMessages(1, { timeoutMs: 15_000 })
  expect(page).toMatchObject({ type: 'page', userId: 'u1', name: '/pricing', context: { library: { name: '@cdp-analytics/edge' } } })
  expect(collector.requests.every((r) => r.valid)).toBe(true)
})

it('on Workers: identify and track of one signup arrive together in one batch; a bad signup sends nothing', async () => {
  const bad = await mf.dispatchFetch('http://example.com/signup', { method: 'POST', body: '{}' })
  expect(bad.status).toBe(400)
  await bad.text()
  const response = await mf.dispatchFetch('http://example.com/signup', {
    method: 'POST',
    headers: { 'x-user-id': 'u2', 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cool.person@example.com', plan: 'pro' }),
  })
  expect(response.status).toBe(201)
  await response.text()
  const messages = await collector.waitForMessages(2, { timeoutMs: 15_000 })
  expect(messages.map((m) => [m.type, m.userId])).toEqual([
    ['identify', 'u2'],
    ['track', 'u2'],
  ])
  expect(messages[1]).toMatchObject({ event: 'Signed Up', properties: { plan: 'pro' } })
  expect(collector.requests).toHaveLength(1)
})
