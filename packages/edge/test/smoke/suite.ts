// A smoke suite of the core, bundled for and run inside real runtimes (edge-runtime, Deno, Bun):
// each check drives the SDK against the local collector and reports what it saw; the vitest side
// asserts on these results and on what reached the collector. Checks run in order, because the
// collector answers the first requests from a script of responses (see runtimes.test.ts).
import {
  AnalyticsCore,
  ClosedError,
  SerializationError,
  ValidationError,
  createFetchTransport,
  type AnalyticsError,
  type Message,
} from '@cdp-analytics/core'
import { Analytics, type EdgeAnalyticsOptions } from '../../src/index.js'

export interface SmokeConfig {
  endpoint: string
  writeKey: string
}

export interface Check {
  name: string
  ok: boolean
  detail: string
}

export interface SmokeResult {
  runtime: { process: string; Buffer: string; CompressionStream: string }
  checks: Check[]
}

type Outcome = { error: AnalyticsError | undefined; message: Message | undefined }

/** A callback that records its outcome, and a promise of the first `count` outcomes. */
function outcomes(count: number) {
  const results: Outcome[] = []
  let done!: () => void
  const settled = new Promise<Outcome[]>((resolve) => (done = () => resolve(results)))
  const callback = (error: AnalyticsError | undefined, message: Message | undefined) => {
    results.push({ error, message })
    if (results.length === count) done()
  }
  return { callback, settled }
}

export async function runSmoke(config: SmokeConfig): Promise<SmokeResult> {
  const base: EdgeAnalyticsOptions = { writeKey: config.writeKey, endpoint: config.endpoint, logger: silentLogger }
  const checks: Check[] = []
  const check = async (name: string, body: () => Promise<string | true>) => {
    try {
      const verdict = await body()
      checks.push({ name, ok: verdict === true, detail: verdict === true ? '' : verdict })
    } catch (error) {
      checks.push({ name, ok: false, detail: `threw: ${String((error as Error)?.stack ?? error)}` })
    }
  }

  // The collector answers the first two requests 503 and 429 (see runtimes.test.ts).
  await check('retries 503 and 429, then delivers', async () => {
    const analytics = new Analytics({ ...base, retryBackoff: () => 5 })
    const { callback, settled } = outcomes(1)
    analytics.track({ userId: 'smoke', event: 'retried' }, callback)
    await analytics.flush()
    const [result] = await settled
    const { retries, requests, delivered } = analytics.stats
    return !result!.error && retries === 2 && requests === 3 && delivered === 1
      ? true
      : `error=${result!.error?.message} stats=${JSON.stringify(analytics.stats)}`
  })

  // ... and the fourth 400.
  await check('400 is reported, not retried', async () => {
    const analytics = new Analytics({ ...base, retryBackoff: () => 5 })
    const { callback, settled } = outcomes(1)
    analytics.track({ userId: 'smoke', event: 'rejected' }, callback)
    await analytics.flush()
    const [result] = await settled
    return result!.error?.reason === 'rejected' && analytics.stats.requests === 1
      ? true
      : `reason=${result!.error?.reason} requests=${analytics.stats.requests}`
  })

  await check('six calls in one request, callbacks after delivery', async () => {
    const analytics = new Analytics(base)
    const { callback, settled } = outcomes(6)
    analytics.identify({ userId: 'smoke', traits: { name: 'Cool Person', email: 'cool.person@example.com', plan: 'Enterprise' } }, callback)
    analytics.track({ userId: 'smoke', event: 'added_to_cart', properties: { product: 'shoes', price: 39.95 } }, callback)
    analytics.page(
      { userId: 'smoke', name: 'Customer.io CDP', category: 'Docs', properties: { url: 'https://customer.io/cdp/' } },
      callback,
    )
    analytics.screen({ userId: 'smoke', name: 'Home' }, callback)
    analytics.group({ userId: 'smoke', groupId: '56', objectTypeId: '1', traits: { name: 'Acme' } }, callback)
    analytics.alias({ previousId: 'smoke-anon', userId: 'smoke' }, callback)
    await analytics.flush()
    const results = await settled
    const errors = results.filter((r) => r.error).map((r) => r.error!.message)
    const ids = results.map((r) => r.message!.messageId)
    if (errors.length) return `errors: ${errors.join('; ')}`
    if (!ids.every((id) => /^[A-Za-z0-9_-]{21}$/.test(id))) return `messageIds not nanoid: ${ids.join(',')}`
    return analytics.stats.requests === 1 ? true : `requests=${analytics.stats.requests}`
  })

  await check('invalid and unserializable calls are reported and never sent', async () => {
    const analytics = new Analytics(base)
    const { callback, settled } = outcomes(2)
    analytics.track({ userId: 'smoke' } as never, callback)
    analytics.track({ userId: 'smoke', event: 'big int', properties: { n: BigInt(1) } }, callback)
    const [invalid, unserializable] = await settled
    await analytics.flush()
    if (!(invalid!.error instanceof ValidationError) || !invalid!.error.message.includes('track: "event" is required'))
      return `invalid: ${invalid!.error?.message}`
    if (!(unserializable!.error instanceof SerializationError)) return `unserializable: ${unserializable!.error?.message}`
    return analytics.stats.requests === 0 ? true : `requests=${analytics.stats.requests}`
  })

  await check('flushAt cuts batches by count', async () => {
    const analytics = new Analytics({ ...base, flushAt: 5 })
    for (let i = 0; i < 12; i++) analytics.track({ userId: 'smoke', event: 'counted', properties: { i } })
    await analytics.flush()
    return analytics.stats.requests === 3 && analytics.stats.delivered === 12 ? true : JSON.stringify(analytics.stats)
  })

  await check('maxBatchBytes packs by bytes', async () => {
    const analytics = new Analytics({ ...base, flushAt: 100, maxBatchBytes: 20_000 })
    const filler = 'é'.repeat(2_500) // 5,000 UTF-8 bytes
    for (let i = 0; i < 10; i++) analytics.track({ userId: 'smoke', event: 'packed', properties: { i, filler } })
    await analytics.flush()
    return analytics.stats.requests >= 3 && analytics.stats.delivered === 10 ? true : JSON.stringify(analytics.stats)
  })

  await check('compress: true sends gzip where CompressionStream exists', async () => {
    const analytics = new Analytics({ ...base, compress: true })
    const text = 'lorem ipsum dolor sit amet '.repeat(40)
    for (let i = 0; i < 10; i++) analytics.track({ userId: 'smoke', event: 'compressed', properties: { i, text } })
    await analytics.flush()
    return analytics.stats.delivered === 10 ? true : JSON.stringify(analytics.stats)
  })

  await check('the core with timers flushes on flushInterval by itself', async () => {
    const core = new AnalyticsCore(
      { ...base, flushInterval: 20 },
      { transport: createFetchTransport(), library: { name: 'smoke', version: '0' } },
    )
    const { callback, settled } = outcomes(1)
    core.track({ userId: 'smoke', event: 'interval' }, callback)
    const [result] = await settled // no flush(): only the interval timer sends it
    return !result!.error ? true : result!.error.message
  })

  await check('close() drains, then refuses calls', async () => {
    const analytics = new Analytics(base)
    analytics.track({ userId: 'smoke', event: 'before_close' })
    await analytics.close()
    const { callback, settled } = outcomes(1)
    analytics.track({ userId: 'smoke', event: 'after_close' }, callback)
    const [result] = await settled
    return result!.error instanceof ClosedError && analytics.stats.delivered === 1
      ? true
      : `${result!.error?.message} ${JSON.stringify(analytics.stats)}`
  })

  await check('close({ timeout }) cuts retries to a dead endpoint short', async () => {
    const analytics = new Analytics({ ...base, endpoint: 'http://127.0.0.1:2', retryBackoff: () => 60_000 })
    const { callback, settled } = outcomes(1)
    analytics.track({ userId: 'smoke', event: 'never' }, callback)
    await analytics.close({ timeout: 100 })
    const [result] = await settled
    return result!.error?.reason === 'deadline' ? true : `reason=${result!.error?.reason}`
  })

  await check('merging user data cannot pollute prototypes', async () => {
    const analytics = new Analytics({ ...base, defaultContext: { app: { name: 'smoke' } } })
    analytics.track({
      userId: 'smoke',
      event: 'proto',
      properties: JSON.parse('{"__proto__":{"polluted":true}}'),
      context: JSON.parse('{"__proto__":{"polluted":true}}'),
    })
    await analytics.flush()
    return ({} as { polluted?: boolean }).polluted === undefined ? true : 'Object.prototype polluted'
  })

  return {
    runtime: {
      process: typeof (globalThis as { process?: unknown }).process,
      Buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
      CompressionStream: typeof (globalThis as { CompressionStream?: unknown }).CompressionStream,
    },
    checks,
  }
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** How the scripts hand results back: one line on stdout. */
export const RESULT_PREFIX = 'SMOKE_RESULT '
