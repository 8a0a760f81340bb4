// Delivery through Cloudflare Queues in workerd (Miniflare, real Queues, `cf: false`): a producer
// Worker puts events into a Queue with createQueueTransport, a consumer Worker sends them to the
// local collector with createQueueConsumer over real HTTP.
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { QueuedBatch, QueueRejection } from '../src/index.js'
import { bundle } from './helpers/bundle.js'

const WRITE_KEY = 'queue-consumer-write-key'
/** The consumer's batch settings: full batches of 100, or whatever waited 0.2 s (short, to keep redelivery rounds short). */
const CONSUMER = { maxBatchSize: 100, maxBatchTimeout: 0.2, maxRetries: 10, deadLetterQueue: 'cdp-events-dlq' }
/**
 * For counting API requests: batches cut by count, not by time, even when a busy CI machine
 * slows the invocations down (a cut needs fewer than 50 Queue messages a second).
 */
const BULK = { ...CONSUMER, maxBatchTimeout: 2 }
/** Two attempts, then the dead-letter queue. */
const FRAGILE = { ...CONSUMER, maxRetries: 1, deadLetterQueue: 'cdp-dead' }
let collector: Collector
let mf: Miniflare

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
  const [producer, consumer] = await Promise.all(
    ['queue-producer.ts', 'queue-consumer.ts'].map((file) => bundle(new URL(`./fixtures/${file}`, import.meta.url).pathname)),
  )
  mf = new Miniflare({
    cf: false,
    compatibilityDate: '2025-09-01',
    workers: [
      {
        name: 'producer',
        modules: true,
        script: producer!,
        queueProducers: {
          CDP_QUEUE: { queueName: 'cdp-events' },
          CDP_QUEUE_BULK: { queueName: 'cdp-bulk' },
          CDP_QUEUE_FRAGILE: { queueName: 'cdp-fragile' },
        },
      },
      {
        name: 'consumer',
        modules: true,
        script: consumer!,
        bindings: { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url },
        kvNamespaces: ['REJECTED', 'DEAD'],
        queueConsumers: { 'cdp-events': CONSUMER, 'cdp-bulk': BULK, 'cdp-fragile': FRAGILE, 'cdp-dead': { maxBatchTimeout: 0.2 } },
      },
    ],
  })
  await mf.ready
}, 60_000)

afterAll(async () => {
  await mf?.dispose()
  await collector?.close()
}, 60_000)

beforeEach(() => collector.reset())

const invoke = async (path: string) => {
  const response = await mf.dispatchFetch(`http://producer${path}`)
  return { status: response.status, text: await response.text() }
}

/** `count` invocations, `concurrency` at a time. */
async function invokeMany(count: number, path: (i: number) => string, concurrency = 25): Promise<void> {
  for (let start = 0; start < count; start += concurrency) {
    const responses = await Promise.all(Array.from({ length: Math.min(concurrency, count - start) }, (_, k) => invoke(path(start + k))))
    expect(responses.every((r) => r.status === 200)).toBe(true)
  }
}

const ofRun = (run: string) => collector.messages.filter((m) => (m.properties as { run?: string } | undefined)?.run === run)
const idsOf = (request: { body?: unknown }) => ((request.body as { batch?: { messageId: string }[] })?.batch ?? []).map((m) => m.messageId)

/** Waits until `run` has `count` messages accepted, then a little longer to catch late duplicates. */
async function waitForRun(run: string, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (ofRun(run).length < count) {
    if (Date.now() > deadline) throw new Error(`${run}: ${ofRun(run).length} of ${count} messages arrived in ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await new Promise((resolve) => setTimeout(resolve, 1500)) // a redelivery would take ≥ 1 s + the batch timeout
}

/** Every value in a KV namespace of the consumer, parsed. */
async function stored<T>(namespace: 'REJECTED' | 'DEAD'): Promise<T[]> {
  const kv = (await mf.getKVNamespace(namespace, 'consumer')) as unknown as {
    list(): Promise<{ keys: { name: string }[] }>
    get(key: string): Promise<string | null>
  }
  const { keys } = await kv.list()
  return Promise.all(keys.map(async ({ name }) => JSON.parse((await kv.get(name))!) as T))
}
const rejections = () => stored<QueueRejection>('REJECTED')

describe('Queues: producer and consumer in workerd', { timeout: 60_000 }, () => {
  it('1,000 invocations tracking 2 events each arrive as at most 25 API requests, each message once', async () => {
    const started = Date.now()
    await invokeMany(1000, (i) => `/?queue=bulk&run=many&n=2&i=${i}`)
    await waitForRun('many', 2000)
    const requests = collector.requests
    console.info(`1,000 invocations: ${requests.length} API requests, ${Date.now() - started} ms`)
    expect(ofRun('many')).toHaveLength(2000)
    expect(collector.duplicateMessageIds().size).toBe(0)
    expect(new Set(ofRun('many').map((m) => m.messageId)).size).toBe(2000)
    expect(requests.length).toBeLessThanOrEqual(25)
    expect(requests.every((r) => r.valid && r.status === 200 && r.bytes <= 500_000)).toBe(true)
  })

  it('a batch over the Queue limits is split across Queue messages and sendBatch calls, and re-packed for the API', async () => {
    // 300 messages of ~4 KB: 1.2 MB, far over one Queue message (128 KB) and one sendBatch (256 KB).
    await invokeMany(1, () => '/?run=big&n=300&pad=4000')
    await waitForRun('big', 300)
    expect(ofRun('big')).toHaveLength(300)
    expect(collector.duplicateMessageIds().size).toBe(0)
    expect(collector.requests.length).toBeGreaterThanOrEqual(3) // 1.2 MB needs 3 requests of 500 kB
    expect(collector.requests.every((r) => r.valid && r.status === 200 && r.bytes <= 500_000)).toBe(true)
  })

  it('a sendBatch failing in the middle of a large track burst: every message reaches the Queue once, every callback says so', async () => {
    // 300 messages of ~4 KB (1.2 MB): several batches, each one sendBatch call. Before, a batch was
    // split over calls, and a failed later call re-sent (and, out of retries, failed) the messages
    // an earlier call had already put in the Queue.
    const response = await invoke('/outcomes?run=mid-fail&n=300&pad=4000&inFlight=1&failCall=2')
    expect(JSON.parse(response.text)).toEqual(Array(300).fill(null))
    await waitForRun('mid-fail', 300)
    expect(ofRun('mid-fail')).toHaveLength(300)
    expect(collector.duplicateMessageIds().size).toBe(0)
  })

  it('an API failing for a while (503, 429 with Retry-After, resets): everything arrives once per messageId', async () => {
    collector.enqueueResponses({ status: 503 }, { status: 503 }, { status: 429, retryAfter: 2 }, { action: 'reset' }, { action: 'reset' })
    await invokeMany(40, (i) => `/?run=faults&n=2&i=${i}`, 40)
    await waitForRun('faults', 80)
    expect(ofRun('faults')).toHaveLength(80)
    expect(collector.duplicateMessageIds().size).toBe(0)
    const requests = collector.requests
    expect(requests.slice(0, 5).map((r) => r.status)).toEqual([503, 503, 429, 0, 0])
    // Redelivered through the Queue: the 429's messages came back only after its Retry-After.
    const limited = requests[2]!
    const next = requests.find((r) => r.receivedAt > limited.receivedAt && idsOf(r).includes(idsOf(limited)[0]!))!
    expect(next.receivedAt - limited.receivedAt).toBeGreaterThanOrEqual(1900)
  })

  it('a Queue message with a malformed entry beside good ones, redelivered twice: the entry is reported once (issue 22)', async () => {
    collector.enqueueResponses({ status: 503 }, { status: 503 })
    const run = 'malformed-once'
    const good = (i: number) => ({
      type: 'track',
      messageId: `${run}-${i}`,
      userId: 'u',
      event: 'raw',
      properties: { run },
      timestamp: new Date().toISOString(),
    })
    const response = await mf.dispatchFetch('http://producer/raw', {
      method: 'POST',
      body: JSON.stringify({ v: 1, batch: [good(1), { marker: run }, good(2)] }),
    })
    expect(response.status).toBe(200)
    await response.text()
    await waitForRun(run, 2)
    expect(collector.requests.map((r) => r.status)).toEqual([503, 503, 200])
    const reported = (await rejections()).filter((r) => (r.messages as { marker?: string }[]).some((m) => m?.marker === run))
    expect(reported).toEqual([expect.objectContaining({ reason: 'malformed', messages: [{ marker: run }] })])
  })

  it('one message the API refuses, beside good ones: it alone is reported, the others arrive (the split of the core loop)', async () => {
    const run = 'refused-alone'
    const message = (i: number, fields: object = { event: 'raw' }) => ({
      type: 'track',
      messageId: `${run}-${i}`,
      userId: 'u',
      properties: { run },
      timestamp: new Date().toISOString(),
      ...fields,
    })
    // The collector refuses a batch holding a track whose event is no string (400), as the API does.
    const batch = [message(1), message(2), message(3, { event: 42 }), message(4)]
    const response = await mf.dispatchFetch('http://producer/raw', { method: 'POST', body: JSON.stringify({ v: 1, batch }) })
    expect(response.status).toBe(200)
    await response.text()
    await waitForRun(run, 3)
    expect(
      ofRun(run)
        .map((m) => m.messageId)
        .sort(),
    ).toEqual([`${run}-1`, `${run}-2`, `${run}-4`])
    const reported = (await rejections()).filter((r) =>
      (r.messages as { properties?: { run?: string } }[]).some((m) => m.properties?.run === run),
    )
    expect(reported).toEqual([expect.objectContaining({ reason: 'rejected', status: 400, messages: [batch[2]] })])
    expect(collector.duplicateMessageIds().size).toBe(0)
  })

  // A refusal of the whole body that is not about one message: 413 (a proxy's size limit) goes again
  // in halves, which arrive; a refusal that names the configuration (401) is redelivered until
  // accepted, so the events survive until the key is fixed, then the dead-letter queue.
  for (const status of [413, 401]) {
    it(`HTTP ${status} for a whole request: everything arrives once, nothing is reported`, async () => {
      const run = `refused${status}`
      collector.enqueueResponses({ status, body: `{"error":"refused on purpose"}` })
      await invokeMany(5, (i) => `/?run=${run}&n=2&i=${i}`, 5)
      const refused = await collector.waitForRequests(1)
      expect(refused[0]!.status).toBe(status)
      await waitForRun(run, 10)
      const arrived = ofRun(run).map((m) => m.messageId as string)
      expect(new Set(arrived).size).toBe(10)
      // 413: in halves at once (a request holds at least one Queue message, 2 events); 401: again
      // after the Queue's redelivery delay (one request or more, as the Queue batches them).
      const carrying = collector.requests.filter((r) => idsOf(r).some((id) => idsOf(refused[0]!).includes(id)))
      const k = idsOf(refused[0]!).length
      if (status === 413) expect(carrying.map((r) => idsOf(r).length)).toEqual([k, Math.ceil(k / 2), Math.floor(k / 2)])
      else expect(carrying.length).toBeGreaterThanOrEqual(2)
      const reported = (await rejections()).filter((r) =>
        (r.messages as { properties?: { run?: string } }[]).some((m) => m.properties?.run === run),
      )
      expect(reported).toEqual([])
      expect(collector.duplicateMessageIds().size).toBe(0)
    })
  }
})

describe('Queues: an outage longer than max_retries', { timeout: 60_000 }, () => {
  it('leaves the messages in the dead-letter queue, intact, instead of dropping them', async () => {
    collector.setDefaultResponse({ status: 503 })
    try {
      await invokeMany(3, (i) => `/?queue=fragile&run=dead&n=2&i=${i}`, 3)
      const deadline = Date.now() + 20_000
      let dead: QueuedBatch[] = []
      while (dead.flatMap((body) => body.batch).length < 6 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        dead = await stored<QueuedBatch>('DEAD')
      }
      const deadIds = dead.flatMap((body) => body.batch.map((m) => m.messageId))
      expect(deadIds).toHaveLength(6)
      // Each was tried twice (max_retries 1), always answered 503, and is kept with its messageId for a replay.
      const attempts = collector.requests.flatMap(idsOf)
      expect(attempts.sort()).toEqual([...deadIds, ...deadIds].sort())
      expect(collector.requests.every((r) => r.status === 503)).toBe(true)
      expect(dead.flatMap((body) => body.batch).every((m) => (m.properties as { run: string }).run === 'dead')).toBe(true)
    } finally {
      collector.setDefaultResponse(undefined)
    }
  })
})

describe('Queues: close({ timeout }) keeps its deadline with a slow or hung Queue (issue 22)', { timeout: 60_000 }, () => {
  // Before the fix, each sendBatch was bounded only by the 10 s request timeout: close({ timeout: 200 })
  // took ~4 s with a 3 s Queue and ~10 s with a hung one.
  it.each(['3000', 'hang'])(
    'sendBatch taking %s ms: close() returns near its 200 ms deadline, each event failed `deadline`',
    async (slow) => {
      const started = Date.now()
      const response = await invoke(`/close?run=slow-${slow}&n=3&slow=${slow}&timeout=200`)
      const elapsed = Date.now() - started
      expect(JSON.parse(response.text)).toEqual(
        Array(3).fill('deadline: not delivered before the close() deadline (aborted by close() deadline)'),
      )
      expect(elapsed).toBeLessThan(2500) // over 10x the deadline; the Queue alone would take 3,000 ms or forever
    },
  )
})

describe('Queues: producer-side failures reach the callback', { timeout: 60_000 }, () => {
  const cases = [
    { fail: 99, expected: /^retries_exhausted: .*Queue unavailable/, arrives: false },
    { fail: 1, expected: null, arrives: true },
  ]
  for (const { fail, expected, arrives } of cases) {
    it(`sendBatch failing ${fail === 99 ? 'every time' : 'once'}: the callbacks get ${expected ? 'the error' : 'no error'}`, async () => {
      const run = `send-fail-${fail}`
      const response = await invoke(`/outcomes?run=${run}&n=2&fail=${fail}`)
      const outcomes = JSON.parse(response.text) as (string | null)[]
      expect(outcomes).toHaveLength(2)
      for (const outcome of outcomes) {
        if (expected) expect(outcome).toMatch(expected)
        else expect(outcome).toBeNull()
      }
      if (arrives) await waitForRun(run, 2)
      else await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(ofRun(run)).toHaveLength(arrives ? 2 : 0)
    })
  }
})
