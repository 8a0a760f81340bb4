// The Queue producer's splitting and the consumer's per-message decisions, in Node with fakes
// (test/queues.test.ts runs both in workerd with real Queues).
import { describe, expect, it } from 'vitest'
import {
  bodyText,
  createQueueConsumer,
  MAX_QUEUE_BATCH_BYTES,
  MAX_QUEUE_MESSAGE_BYTES,
  MAX_QUEUE_SEND_BYTES,
  MAX_QUEUE_SEND_COUNT,
  type Message,
  type QueueMessage,
  type QueueRejection,
  splitForQueue,
  type TransportResult,
} from '../src/index.js'

const message = (i: number, pad = 0) =>
  ({
    type: 'track',
    event: 'e',
    userId: 'u',
    messageId: `m${i}`,
    timestamp: '2026-12-06T00:00:00.000Z',
    properties: { pad: 'x'.repeat(pad) },
  }) as unknown as Message

describe('splitForQueue', () => {
  const cases = [
    { name: 'two small messages: one Queue message, one call', count: 2, pad: 0, calls: 1, queueMessages: 1 },
    { name: '300 of 4 KB: Queue messages under 128 KB, calls under 256 KB', count: 300, pad: 4000, calls: 6, queueMessages: 11 },
    { name: '150 of 31 KB: 3 per Queue message', count: 150, pad: 31_000, calls: 25, queueMessages: 50 },
  ]
  for (const { name, count, pad, calls, queueMessages } of cases) {
    it(name, () => {
      const messages = Array.from({ length: count }, (_, i) => message(i, pad))
      const split = splitForQueue(messages)
      expect(split).toHaveLength(calls)
      expect(split.flat()).toHaveLength(queueMessages)
      for (const call of split) {
        expect(call.length).toBeLessThanOrEqual(MAX_QUEUE_SEND_COUNT)
        const sizes = call.map((request) => JSON.stringify(request.body).length)
        expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_QUEUE_MESSAGE_BYTES)
        expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(MAX_QUEUE_SEND_BYTES)
      }
      // Every message once, in order, unchanged.
      expect(split.flat().flatMap((request) => request.body.batch)).toEqual(messages)
    })
  }
})

describe('a batch the client cuts for the Queue transport', () => {
  // The client cuts batches of at most MAX_QUEUE_BATCH_BYTES for it: each must be one sendBatch
  // call, so that the Queue takes a batch whole or not at all.
  it.each([0, 600, 4000, 31_000, 31_900])('with messages of ~%i bytes is one sendBatch call', (pad) => {
    const messages: Message[] = []
    let bodyBytes = '{"batch":[],"sentAt":"2026-12-06T00:00:00.000Z"}'.length
    for (;;) {
      const next = message(messages.length, pad)
      const bytes = JSON.stringify(next).length + (messages.length > 0 ? 1 : 0)
      if (bodyBytes + bytes > MAX_QUEUE_BATCH_BYTES) break
      messages.push(next)
      bodyBytes += bytes
    }
    const split = splitForQueue(messages)
    expect(split).toHaveLength(1)
    expect(split[0]!.flatMap((request) => request.body.batch)).toEqual(messages)
  })
})

/** A transport that records each body and answers `result`. */
function recording(result: TransportResult) {
  const bodies: string[] = []
  const transport = {
    send: async (request: { body: unknown }): Promise<TransportResult> => {
      bodies.push(request.body as string)
      return result
    },
  }
  return { bodies, transport }
}

/** A Queue message that records what the consumer did with it. */
function queueMessage(body: unknown, attempts = 1) {
  const done: { action?: 'ack' | 'retry'; delaySeconds?: number } = {}
  const msg: QueueMessage = {
    id: crypto.randomUUID(),
    timestamp: new Date(),
    body,
    attempts,
    ack: () => Object.assign(done, { action: 'ack' }),
    retry: (options) => Object.assign(done, { action: 'retry', delaySeconds: options?.delaySeconds }),
  }
  return { msg, done }
}

/** A consumer whose transport gives `answers` in turn and records each request's messageIds. */
function consumerAnswering(answers: TransportResult[]) {
  const msgs: string[][] = []
  const reported: QueueRejection[] = []
  const handler = createQueueConsumer({
    writeKey: 'a-write-key-for-tests',
    transport: {
      send: async (request) => {
        msgs.push((JSON.parse(request.body as string) as { batch: Message[] }).batch.map((m) => m.messageId))
        return answers.shift() ?? { kind: 'response', status: 200 }
      },
    },
    onRejected: (rejection) => void reported.push(rejection),
  })
  return { msgs, handler, reported }
}

describe('createQueueConsumer: what each answer does to the Queue messages', () => {
  const network = { kind: 'network-error', error: new TypeError('fetch failed'), timedOut: false } as const
  const cases: { result: TransportResult; attempts?: number; action: 'ack' | 'retry'; delaySeconds?: number; rejected?: boolean }[] = [
    { result: { kind: 'response', status: 200 }, action: 'ack' },
    { result: { kind: 'response', status: 503 }, action: 'retry', delaySeconds: 1 },
    { result: { kind: 'response', status: 503 }, attempts: 4, action: 'retry', delaySeconds: 8 }, // 1 s doubling, with jitter
    { result: { kind: 'response', status: 429, retryAfter: '30' }, action: 'retry', delaySeconds: 30 },
    { result: { kind: 'response', status: 429, retryAfter: '99999' }, action: 'retry', delaySeconds: 300 }, // maxRetryDelay
    { result: network, action: 'retry', delaySeconds: 1 },
    { result: { kind: 'response', status: 400, detail: 'bad' }, action: 'ack', rejected: true },
    { result: { kind: 'response', status: 413 }, action: 'ack', rejected: true },
    { result: { kind: 'response', status: 401 }, action: 'retry', delaySeconds: 300 },
    { result: { kind: 'response', status: 301 }, action: 'retry', delaySeconds: 300 },
  ]
  for (const { result, attempts = 1, action, delaySeconds, rejected = false } of cases) {
    const label =
      result.kind === 'response' ? `HTTP ${result.status}${result.retryAfter ? ` Retry-After ${result.retryAfter}` : ''}` : 'network error'
    it(`${label}, attempt ${attempts}: ${action}${delaySeconds === undefined ? '' : ` ≤ ${delaySeconds} s`}${rejected ? ', onRejected' : ''}`, async () => {
      const reported: QueueRejection[] = []
      const { bodies, transport } = recording(result)
      const handler = createQueueConsumer({
        writeKey: 'a-write-key-for-tests',
        transport,
        onRejected: (rejection) => void reported.push(rejection),
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      })
      const queued = [0, 1, 2].map((i) => queueMessage({ v: 1, batch: [message(2 * i), message(2 * i + 1)] }, attempts))
      await handler({ queue: 'q', messages: queued.map((q) => q.msg) }, {})
      // One API request for the whole Queue batch; a refused body goes again in halves until each
      // message stands alone (6 → 3 + 3 → 2 + 1 + 2 + 1 → 1 + 1 + 1 + 1: 11 requests).
      expect(bodies).toHaveLength(rejected ? 11 : 1)
      expect((JSON.parse(bodies[0]!) as { batch: Message[] }).batch.map((m) => m.messageId)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5'])
      for (const { done } of queued) {
        expect(done.action).toBe(action)
        if (delaySeconds !== undefined) {
          expect(done.delaySeconds).toBeLessThanOrEqual(delaySeconds)
          expect(done.delaySeconds).toBeGreaterThanOrEqual(Math.ceil(delaySeconds / 2))
        }
      }
      // Refused, each message alone: one rejection each, with the status.
      expect(reported.map((r) => [r.reason, r.status, r.messages.map((m) => (m as Message).messageId)])).toEqual(
        rejected ? ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'].map((id) => ['rejected', (result as { status: number }).status, [id]]) : [],
      )
    })
  }

  it('packs the messages into requests of at most 500,000 bytes, in order', async () => {
    const { bodies, transport } = recording({ kind: 'response', status: 200 })
    const handler = createQueueConsumer({
      writeKey: 'a-write-key-for-tests',
      transport,
    })
    // 40 Queue messages of 3 × 31 KB: 3.7 MB in all.
    const queued = Array.from({ length: 40 }, (_, q) => queueMessage({ v: 1, batch: [0, 1, 2].map((i) => message(q * 3 + i, 31_000)) }))
    await handler({ queue: 'q', messages: queued.map((q) => q.msg) }, {})
    expect(bodies.length).toBe(8) // 5 Queue messages (≈ 465 kB) per request
    expect(bodies.every((body) => new TextEncoder().encode(body).length <= 500_000)).toBe(true)
    const ids = bodies.flatMap((body) => (JSON.parse(body) as { batch: Message[] }).batch.map((m) => m.messageId))
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => `m${i}`))
    expect(queued.every(({ done }) => done.action === 'ack')).toBe(true)
  })

  it('compress: true sends the body gzipped, with Content-Encoding: gzip', async () => {
    const requests: { body: unknown; headers: Record<string, string> }[] = []
    const handler = createQueueConsumer({
      writeKey: 'a-write-key-for-tests',
      compress: true,
      transport: {
        send: async (request) => {
          requests.push(request)
          return { kind: 'response', status: 200 }
        },
      },
    })
    const queued = queueMessage({ v: 1, batch: [message(1, 2000), message(2, 2000)] })
    await handler({ queue: 'q', messages: [queued.msg] }, {})
    expect(queued.done.action).toBe('ack')
    expect(requests).toHaveLength(1)
    expect(requests[0]!.headers['Content-Encoding']).toBe('gzip')
    expect(requests[0]!.body).toBeInstanceOf(Uint8Array)
    const text = await bodyText(requests[0]!.body as Uint8Array, requests[0]!.headers)
    expect((JSON.parse(text) as { batch: Message[] }).batch.map((m) => m.messageId)).toEqual(['m1', 'm2'])
  })

  it('one message the API refuses fails alone: its neighbours are delivered, its Queue message acknowledged', async () => {
    const reported: QueueRejection[] = []
    const sent: string[][] = []
    const handler = createQueueConsumer({
      writeKey: 'a-write-key-for-tests',
      transport: {
        send: async (request) => {
          const ids = (JSON.parse(request.body as string) as { batch: Message[] }).batch.map((m) => m.messageId)
          sent.push(ids)
          return ids.includes('m3') ? { kind: 'response', status: 400, detail: 'm3 is bad' } : { kind: 'response', status: 200 }
        },
      },
      onRejected: (rejection) => void reported.push(rejection),
    })
    const queued = [0, 1, 2].map((i) => queueMessage({ v: 1, batch: [message(2 * i), message(2 * i + 1)] }))
    await handler({ queue: 'q', messages: queued.map((q) => q.msg) }, {})
    expect(queued.map(({ done }) => done.action)).toEqual(['ack', 'ack', 'ack'])
    const delivered = sent.filter((ids) => !ids.includes('m3')).flat()
    expect(delivered.sort()).toEqual(['m0', 'm1', 'm2', 'm4', 'm5'])
    expect(reported).toEqual([expect.objectContaining({ reason: 'rejected', status: 400, messages: [message(3)] })])
    expect(reported[0]!.detail).toContain('m3 is bad')
  })

  it('a Queue message is retried whole when one of its messages must go round again, acknowledged when all arrived', async () => {
    // All six refused (400), then the halves: m0–m2 delivered, m3–m5 answered 503.
    const answers: TransportResult[] = [
      { kind: 'response', status: 400 },
      { kind: 'response', status: 200 },
      { kind: 'response', status: 503 },
    ]
    const { msgs, handler, reported } = consumerAnswering(answers)
    const queued = [0, 1, 2].map((i) => queueMessage({ v: 1, batch: [message(2 * i), message(2 * i + 1)] }, 2))
    await handler({ queue: 'q', messages: queued.map((q) => q.msg) }, {})
    expect(msgs).toEqual([
      ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'],
      ['m0', 'm1', 'm2'],
      ['m3', 'm4', 'm5'],
    ])
    // q1 holds m2 (delivered) and m3 (503): retried whole, after attempt 2's backoff (2 s, with jitter).
    expect(queued.map(({ done }) => done.action)).toEqual(['ack', 'retry', 'retry'])
    expect(queued[1]!.done.delaySeconds).toBeGreaterThanOrEqual(1)
    expect(queued[1]!.done.delaySeconds).toBeLessThanOrEqual(2)
    expect(reported).toEqual([])
  })

  it.each([
    ['an empty writeKey', { writeKey: '' }, /writeKey must not be empty/],
    ['an endpoint with the path', { endpoint: 'https://cdp.customer.io/v1/batch' }, /endpoint must be the base URL/],
    ['a timeout of 0', { timeout: 0 }, /timeout must be an integer of at least 1 \(got 0\)/],
    ['a negative maxRetryDelay', { maxRetryDelay: -1 }, /maxRetryDelay must be an integer of at least 0/],
    ['a retryBackoff that is no function', { retryBackoff: 5 }, /retryBackoff/],
    ['a writeKey with CR or LF', { writeKey: 'a-write-key\r\nX: 1' }, /writeKey must not contain CR, LF or NUL/],
  ])('options it cannot use are refused when it is created: %s', (_name, wrong, error) => {
    expect(() => createQueueConsumer({ writeKey: 'a-write-key-for-tests', ...(wrong as object) })).toThrow(error)
  })

  it('acknowledges and reports what is not a message of the producer, and sends the rest', async () => {
    const reported: QueueRejection[] = []
    const { bodies, transport } = recording({ kind: 'response', status: 200 })
    const handler = createQueueConsumer({
      writeKey: 'a-write-key-for-tests',
      transport,
      onRejected: (rejection) => void reported.push(rejection),
    })
    const foreign = queueMessage('hello')
    const mixed = queueMessage({ v: 1, batch: [message(1), { no: 'id' }, message(2, 40_000)] })
    await handler({ queue: 'q', messages: [foreign.msg, mixed.msg] }, {})
    expect(foreign.done.action).toBe('ack')
    expect(mixed.done.action).toBe('ack')
    expect(reported.map((r) => [r.reason, r.messages.length])).toEqual([
      ['malformed', 1],
      ['malformed', 2],
    ])
    expect((JSON.parse(bodies[0]!) as { batch: Message[] }).batch.map((m) => m.messageId)).toEqual(['m1'])
  })

  it('reports malformed entries beside good ones once, when the Queue message is acknowledged, not on each redelivery (issue 22)', async () => {
    const reported: QueueRejection[] = []
    const answers: TransportResult[] = [
      { kind: 'response', status: 503 },
      { kind: 'response', status: 503 },
      { kind: 'response', status: 200 },
    ]
    const sent: string[] = []
    const handler = createQueueConsumer({
      writeKey: 'a-write-key-for-tests',
      transport: {
        send: async (request) => {
          sent.push(request.body as string)
          return answers.shift()!
        },
      },
      onRejected: (rejection) => void reported.push(rejection),
    })
    // The Queue redelivers the same body each time, as a real Queue does.
    const body = { v: 1, batch: [message(1), { no: 'id' }, message(2)] }
    const actions: (string | undefined)[] = []
    for (let attempts = 1; attempts <= 3; attempts++) {
      const delivery = queueMessage(structuredClone(body), attempts)
      await handler({ queue: 'q', messages: [delivery.msg] }, {})
      actions.push(delivery.done.action)
      expect(reported).toHaveLength(attempts === 3 ? 1 : 0)
    }
    expect(actions).toEqual(['retry', 'retry', 'ack'])
    expect(reported[0]).toMatchObject({ reason: 'malformed', messages: [{ no: 'id' }] })
    expect(sent.map((text) => (JSON.parse(text) as { batch: Message[] }).batch.map((m) => m.messageId))).toEqual(
      Array(3).fill(['m1', 'm2']),
    )
  })

  it('without a write key in env sends nothing and leaves every message to the Queue', async () => {
    const { bodies, transport } = recording({ kind: 'response', status: 200 })
    const errors: unknown[] = []
    const handler = createQueueConsumer<{ CDP_WRITE_KEY?: string }>({
      writeKey: (env) => env.CDP_WRITE_KEY as string,
      transport,
      logger: { debug() {}, info() {}, warn() {}, error: (line) => void errors.push(line) },
    })
    const queued = [queueMessage({ v: 1, batch: [message(1)] }), queueMessage({ v: 1, batch: [message(2)] })]
    await handler({ queue: 'q', messages: queued.map((q) => q.msg) }, {})
    expect(bodies).toEqual([])
    expect(queued.map(({ done }) => done)).toEqual([
      { action: 'retry', delaySeconds: 300 },
      { action: 'retry', delaySeconds: 300 },
    ])
    expect(String(errors[0])).toMatch(/writeKey is required.*got undefined.*messages are retried, then dead-lettered/)
  })
})
