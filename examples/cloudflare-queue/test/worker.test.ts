// Runs the example Worker in workerd (Miniflare) with a real Queue, as wrangler.toml configures it
// (one Worker producing and consuming), against the local collector.
import { readFileSync } from 'node:fs'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'example-write-key'
let collector: Collector
let mf: Miniflare

/** `key = value` of the [[queues.consumers]] block in wrangler.toml, so the test runs what is documented. */
function consumerSettings() {
  const toml = readFileSync(new URL('../wrangler.toml', import.meta.url), 'utf8')
  const block = toml.split('[[queues.consumers]]')[1]!.split(/\n\s*\n/)[0]!
  const value = (key: string) => /=\s*"?([^"\s#]+)/.exec(block.split('\n').find((line) => line.startsWith(key))!)![1]!
  return {
    queue: value('queue'),
    maxBatchSize: Number(value('max_batch_size')),
    maxBatchTimeout: Number(value('max_batch_timeout')),
    maxRetries: Number(value('max_retries')),
    deadLetterQueue: value('dead_letter_queue'),
  }
}

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
  const { queue, ...consumer } = consumerSettings()
  mf = new Miniflare({
    modules: true,
    script: outputFiles[0]!.text,
    compatibilityDate: '2025-09-01',
    cf: false,
    bindings: { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url },
    queueProducers: { CDP_QUEUE: { queueName: queue } },
    // The documented settings, but a 0.5 s batch timeout instead of 5 s to keep the test short.
    queueConsumers: { [queue]: { ...consumer, maxBatchTimeout: 0.5 } },
  })
  await mf.ready
})

afterAll(async () => {
  await mf?.dispose()
  await collector?.close()
})

it('wrangler.toml has a producer, a consumer with batch settings, and a dead-letter queue', () => {
  expect(consumerSettings()).toEqual({
    queue: 'cdp-events',
    maxBatchSize: 100,
    maxBatchTimeout: 5,
    maxRetries: 10,
    deadLetterQueue: 'cdp-events-dlq',
  })
})

it('events of many requests reach the API through the Queue in one request', async () => {
  const signups = Array.from({ length: 20 }, (_, i) =>
    mf.dispatchFetch('http://worker/signup', {
      method: 'POST',
      headers: { 'x-user-id': `user-${i}` },
      body: JSON.stringify({ email: `u${i}@example.com`, plan: 'pro' }),
    }),
  )
  const responses = await Promise.all([...signups, mf.dispatchFetch('http://worker/pricing', { headers: { 'x-user-id': 'user-0' } })])
  expect(responses.map((r) => r.status)).toEqual([...Array(20).fill(201), 200])
  await Promise.all(responses.map((r) => r.text()))
  const messages = await collector.waitForMessages(41, { timeoutMs: 20_000 })
  expect(messages.map((m) => m.type).sort()).toEqual([...Array(20).fill('identify'), 'page', ...Array(20).fill('track')])
  expect(collector.requests).toHaveLength(1) // 21 Worker requests, one API request
  expect(collector.requests[0]).toMatchObject({ valid: true, status: 200 })
  expect(collector.duplicateMessageIds().size).toBe(0)
})
