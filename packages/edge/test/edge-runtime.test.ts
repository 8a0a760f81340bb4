// The same Worker fixture in Vercel's edge-runtime: `response.waitUntil()` resolves once what the
// handler registered with waitUntil has settled, so the events must be at the collector by then.
import { startCollector, type Collector } from '@cdp-analytics/node/testing'
import { EdgeRuntime } from 'edge-runtime'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { bundle } from './helpers/bundle.js'

const WRITE_KEY = 'edge-runtime-write-key'
let collector: Collector
let runtime: EdgeRuntime

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const env = { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url }
  const initialCode = await bundle(new URL('./fixtures/edge-runtime-entry.ts', import.meta.url).pathname, {
    format: 'iife',
    conditions: ['edge-light', 'worker', 'browser'],
    define: { __WORKER_ENV__: JSON.stringify(env) },
  })
  runtime = new EdgeRuntime({ initialCode })
})

afterAll(async () => {
  await collector?.close()
})

beforeEach(() => collector.reset())

async function dispatch(path: string) {
  const response = await runtime.dispatchFetch(`http://edge${path}`, { method: 'POST', body: 'work' })
  const text = await response.text()
  await response.waitUntil()
  return { status: response.status, text }
}

const runs = (run: string) =>
  collector.messages.filter((m) => (m.properties as { run?: string } | undefined)?.run === run || m.userId === run)

describe('edge-runtime', () => {
  it('per-request client: the events have arrived when waitUntil settles, in one request', async () => {
    expect(await dispatch('/per-request?run=er1&n=4')).toEqual({ status: 200, text: 'ok' })
    expect(runs('er1')).toHaveLength(4) // no waiting: waitUntil covered the delivery
    expect(collector.requests).toHaveLength(1)
    expect(collector.requests[0]!.valid).toBe(true)
  })

  it('module scope, withAnalytics and bind(ctx): every request delivered within its own waitUntil', async () => {
    await dispatch('/module?run=em1&n=3')
    expect(runs('em1')).toHaveLength(3)
    await dispatch('/bound?run=em2&n=2')
    expect(runs('em2')).toHaveLength(2)
    await dispatch('/module?run=em3&n=2')
    expect(runs('em3')).toHaveLength(2)
  })

  it('a handler that throws answers 500 and still delivers', async () => {
    const { status } = await dispatch('/throw?run=eboom&n=2')
    expect(status).toBe(500)
    expect(runs('eboom')).toHaveLength(2)
  })

  it('a client given no waitUntil finds it in the Vercel request context', async () => {
    await dispatch('/vercel?run=ev1&n=3')
    expect(runs('ev1')).toHaveLength(3)
  })

  it('events tracked in a Next.js after() callback are delivered', async () => {
    await dispatch('/vercel-after?run=ea1&n=2')
    await collector.waitForMessages(2, { timeoutMs: 20_000 })
    expect(runs('ea1').map((m) => m.event)).toEqual(['after', 'after'])
  })

  it('compress: true falls back to plain bodies (no CompressionStream in edge-runtime)', async () => {
    expect(await runtime.evaluate('typeof CompressionStream')).toBe('undefined')
    await dispatch('/compressed?run=eg&n=3')
    expect(runs('eg')).toHaveLength(3)
    expect(collector.requests[0]!.headers['content-encoding']).toBeUndefined()
  })
})
