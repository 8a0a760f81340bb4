import { createServer } from 'node:net'
import { afterEach } from 'vitest'
import { Analytics, type AnalyticsError, type NodeAnalyticsOptions } from '../../src/index.js'
import { startCollector, type Collector } from '../../src/testing/index.js'
import { expectValidBatch } from './spec.js'

export const WRITE_KEY = 'wk_test_0123456789'

const open: { collectors: Collector[]; clients: Analytics[] } = { collectors: [], clients: [] }

afterEach(async () => {
  await Promise.all(open.clients.splice(0).map((client) => client.close({ timeout: 0 })))
  await Promise.all(open.collectors.splice(0).map((collector) => collector.close()))
})

/** A collector that checks auth, closed after the test. */
export async function collector(): Promise<Collector> {
  const started = await startCollector({ writeKey: WRITE_KEY })
  open.collectors.push(started)
  return started
}

export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** A Node client aimed at `endpoint`, with fast retries, closed after the test. */
export function client(endpoint: string, options: Partial<NodeAnalyticsOptions> = {}): Analytics {
  const analytics = new Analytics({
    writeKey: WRITE_KEY,
    endpoint,
    retryBackoff: () => 20,
    logger: quietLogger,
    flushOnExit: false,
    ...options,
  })
  open.clients.push(analytics)
  return analytics
}

/** Every body the collector received validates against batch.schema.json (ajv). */
export function expectAllValid(received: Collector): void {
  for (const request of received.requests) {
    if (request.body !== undefined) expectValidBatch(request.body)
  }
}

/** Resolves with each call's outcome once `count` callbacks have run. */
export function outcomes(count: number) {
  const results: { error: AnalyticsError | undefined; event: unknown }[] = []
  let resolve!: () => void
  const settled = new Promise<void>((r) => (resolve = r))
  const callback = (error: AnalyticsError | undefined, message: Record<string, unknown> | undefined) => {
    results.push({ error, event: message?.event })
    if (results.length === count) resolve()
  }
  return { results, settled, callback }
}

/** A port with nothing listening: connections are refused. */
export async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
