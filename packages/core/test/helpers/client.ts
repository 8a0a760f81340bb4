import { AnalyticsCore } from '../../src/client.js'
import { encodeBody } from '../../src/compress.js'
import type { AnalyticsError } from '../../src/errors.js'
import { MemoryTransport } from '../../src/memory-transport.js'
import type { AnalyticsOptions } from '../../src/options.js'
import type { Transport, TransportRequest, TransportResult } from '../../src/transport.js'
import { checkConnection } from '../../src/options.js'
import type { Message } from '../../src/types.js'
import { expectValidBody } from './spec.js'

export const LIBRARY = { name: 'core-test', version: '0.0.0' }

/** A core client over a MemoryTransport (or the given transport), with fast retries. */
export function makeClient(options: Partial<AnalyticsOptions> = {}, transport: Transport = new MemoryTransport()) {
  const client = new AnalyticsCore(
    { writeKey: 'test-key', retryBackoff: () => 1, logger: silentLogger, ...options },
    { transport, library: LIBRARY, encodeBody, checkConnection },
  )
  return { client, transport }
}

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** Collects callback outcomes; `settled` resolves once `count` callbacks have run. */
export function outcomes(count: number) {
  const results: { error: AnalyticsError | undefined; message: Message | undefined }[] = []
  let resolve!: () => void
  const settled = new Promise<void>((r) => (resolve = r))
  const callback = (error: AnalyticsError | undefined, message: Message | undefined) => {
    results.push({ error, message })
    if (results.length === count) resolve()
  }
  return { results, settled, callback }
}

/** Every body the memory transport saw must validate against the API schema. */
export function expectAllValid(transport: MemoryTransport): void {
  for (const request of transport.requests) expectValidBody(request.body)
}

/** A transport whose requests wait until released (or aborted), to observe concurrency. */
export class GatedTransport implements Transport {
  active = 0
  maxActive = 0
  readonly bodies: string[] = []
  private waiting: ((status: number) => void)[] = []

  send(request: TransportRequest): Promise<TransportResult> {
    this.bodies.push(request.body)
    this.active++
    this.maxActive = Math.max(this.maxActive, this.active)
    return new Promise((resolve) => {
      const finish = (result: TransportResult) => {
        this.active--
        resolve(result)
      }
      request.signal.addEventListener('abort', () =>
        finish({ kind: 'network-error', error: new Error('aborted'), timedOut: false, aborted: true }),
      )
      this.waiting.push((status) => finish({ kind: 'response', status }))
    })
  }

  /** Answers every request waiting now with `status`. */
  releaseAll(status = 200): void {
    const waiting = this.waiting
    this.waiting = []
    for (const release of waiting) release(status)
  }

  /** Message counts of the requests seen so far, in the order sent (retries appear again). */
  get batchSizes(): number[] {
    return this.bodies.map((body) => (JSON.parse(body) as { batch: unknown[] }).batch.length)
  }
}
