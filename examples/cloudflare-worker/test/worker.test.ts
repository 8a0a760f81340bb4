// Runs the example Worker in workerd (Miniflare) against the local collector, bundled as wrangler
// would: esbuild, the `workerd` condition, so @cdp-analytics/edge resolves to its edge build.
import { startCollector, type Collector } from '@cdp-analytics/node/testing'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'

const WRITE_KEY = 'example-write-key'
let collector: Collector
let mf: Miniflare

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const { outputFiles } = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
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

it('a page view is delivered after the response, with no later request needed', async () => {
  const response = await mf.dispatchFetch('http://example.com/pricing', { headers: { 'x-user-id': 'u-1' } })
  expect(await response.text()).toBe('Hello from /pricing\n')
  const [page] = await collector.waitForMessages(1, { timeoutMs: 20_000 })
  expect(page).toMatchObject({ type: 'page', userId: 'u-1', name: '/pricing' })
  expect(collector.requests.every((r) => r.valid)).toBe(true)
})

it('identify and track of one request arrive together in one batch', async () => {
  const response = await mf.dispatchFetch('http://example.com/signup', {
    method: 'POST',
    headers: { 'x-user-id': 'u-2', 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cool.person@example.com', plan: 'Enterprise' }),
  })
  expect(response.status).toBe(201)
  await response.text()
  const messages = await collector.waitForMessages(2, { timeoutMs: 20_000 })
  expect(messages.map((m) => m.type)).toEqual(['identify', 'track'])
  expect(collector.requests).toHaveLength(1)
})

it('several requests: every event arrives', async () => {
  const users = ['a', 'b', 'c', 'd']
  await Promise.all(users.map(async (u) => (await mf.dispatchFetch(`http://example.com/${u}`, { headers: { 'x-user-id': u } })).text()))
  const messages = await collector.waitForMessages(users.length, { timeoutMs: 20_000 })
  expect(messages.map((m) => m.userId).sort()).toEqual(users)
})

it('a handler that throws still sends what it tracked', async () => {
  const response = await mf.dispatchFetch('http://example.com/boom')
  expect(response.status).toBe(500)
  await response.text()
  const [event] = await collector.waitForMessages(1, { timeoutMs: 20_000 })
  expect(event).toMatchObject({ type: 'track', event: 'about_to_fail' })
})
