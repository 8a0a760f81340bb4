// One bad message must not fail its neighbours (issue 19): a batch the API refuses for its body
// (400, 413) goes again in halves until the refused messages stand alone; they fail with the API's
// detail, the rest is delivered, and the halves stay within the batch's request slot and budget.
// Also the transport's third answer, "full" (a Redis stream at its bound): queue_full, no retry.
import { describe, expect, it } from 'vitest'
import { DurableCore } from '../src/durable.js'
import { MAX_SPLIT_REQUESTS } from '../src/retry-policy.js'
import type { MessageStore, StoreItem } from '../src/store.js'
import type { Transport, TransportRequest, TransportResult } from '../src/transport.js'
import { LIBRARY, silentLogger } from './helpers/client.js'

/** An API that refuses (with `status`) any body holding one of the `poison` events, and records every request. */
class PickyApi implements Transport {
  readonly requests: string[][] = []
  constructor(
    readonly poison: ReadonlySet<string>,
    readonly status = 400,
    readonly answer?: (events: string[]) => TransportResult | undefined,
  ) {}
  async send(request: TransportRequest): Promise<TransportResult> {
    const events = (JSON.parse(request.body as string) as { batch: { event: string }[] }).batch.map((m) => m.event)
    this.requests.push(events)
    const scripted = this.answer?.(events)
    if (scripted) return scripted
    const bad = events.filter((event) => this.poison.has(event))
    if (bad.length === 0) return { kind: 'response', status: 200 }
    return {
      kind: 'response',
      status: this.status,
      detail: `{"meta":{"errors":["batch[${events.indexOf(bad[0]!)}]: ${bad[0]} is not allowed"]}}`,
    }
  }
}

/** Notes which tokens each settled() call carried, and with which reason. */
class NotingStore implements MessageStore {
  readonly settledLog: string[] = []
  accept(item: StoreItem) {
    item.stored = JSON.parse(item.json).event
    return undefined
  }
  settled(items: readonly StoreItem[], error: { reason: string } | undefined) {
    this.settledLog.push(`${items.map((item) => item.stored).join(',')}:${error?.reason ?? 'delivered'}`)
  }
}

/** `count` tracks e0..e<count-1> in one batch; resolves with each event's outcome once flushed. */
async function sendBatch(transport: Transport, count: number, store = new NotingStore()) {
  const client = new DurableCore(
    { writeKey: 'test-key', retryBackoff: () => 1, logger: silentLogger, flushAt: count, maxBatchSize: count },
    { transport, library: LIBRARY, store },
  )
  const outcomes = new Map<string, string>()
  for (let i = 0; i < count; i++) {
    client.track({ userId: 'u', event: `e${i}` }, (error) =>
      outcomes.set(`e${i}`, error ? `${error.reason}: ${error.message}` : 'delivered'),
    )
  }
  await client.flush()
  return { outcomes, stats: client.stats, store }
}

const failedOnes = (outcomes: Map<string, string>) => [...outcomes].filter(([, outcome]) => outcome !== 'delivered').map(([event]) => event)

describe('a batch refused for its body is split until the refused messages stand alone', () => {
  it.each([
    // name, batch size, poison events, status, requests the API sees
    ['one bad message among 8', 8, ['e5'], 400, 1 + 2 * 3],
    ['one bad message among 7 (uneven halves)', 7, ['e0'], 400, 1 + 2 * 3],
    ['two bad messages among 8, in different halves', 8, ['e1', 'e6'], 400, 1 + 2 + 4 + 4],
    ['two bad neighbours among 4', 4, ['e2', 'e3'], 400, 1 + 2 + 2],
    ['every message of 4 bad: each fails alone', 4, ['e0', 'e1', 'e2', 'e3'], 400, 7],
    ['413 (a proxy limit) on one of 4', 4, ['e2'], 413, 5],
  ])('%s', async (_name, count, poison, status, requests) => {
    const api = new PickyApi(new Set(poison), status)
    const { outcomes, stats } = await sendBatch(api, count)
    expect(failedOnes(outcomes)).toEqual(poison)
    for (const event of poison)
      expect(outcomes.get(event)).toMatch(new RegExp(`^rejected: delivery failed: HTTP ${status} .*${event} is not allowed`))
    expect(outcomes.size).toBe(count)
    expect(api.requests).toHaveLength(requests)
    expect(stats).toMatchObject({ delivered: count - poison.length, failed: poison.length, failedByReason: { rejected: poison.length } })
    // Every message of every request that was answered 200 is delivered exactly once.
    const delivered = api.requests.filter((events) => !events.some((event) => poison.includes(event))).flat()
    expect(delivered.sort()).toEqual(
      [...outcomes]
        .filter(([, o]) => o === 'delivered')
        .map(([e]) => e)
        .sort(),
    )
  })

  it("each half's outcome reaches the store once, in the batch's order", async () => {
    const { store } = await sendBatch(new PickyApi(new Set(['e1'])), 4)
    expect(store.settledLog).toEqual(['e0:delivered', 'e1:rejected', 'e2,e3:delivered'])
  })

  it('a half that meets a 503 is retried like any batch, then split no further once delivered', async () => {
    let failedOnce = false
    const api = new PickyApi(new Set(['e0']), 400, (events) => {
      if (failedOnce || events.join() !== 'e2,e3') return undefined
      failedOnce = true
      return { kind: 'response', status: 503 }
    })
    const { outcomes } = await sendBatch(api, 4)
    expect(failedOnes(outcomes)).toEqual(['e0'])
    expect(api.requests.map((events) => events.join())).toEqual(['e0,e1,e2,e3', 'e0,e1', 'e0', 'e1', 'e2,e3', 'e2,e3'])
  })

  it('a body the API refuses whole spends at most the budget, then the rest fails together', async () => {
    const everyEvent = new Set(Array.from({ length: 1000 }, (_, i) => `e${i}`))
    const api = new PickyApi(everyEvent)
    const { outcomes, stats } = await sendBatch(api, 1000)
    expect(api.requests.length).toBe(1 + MAX_SPLIT_REQUESTS)
    expect(failedOnes(outcomes)).toHaveLength(1000)
    expect(stats.failedByReason).toEqual({ rejected: 1000 })
  })

  it.each([401, 403, 404])('%i is not split: one request, every message fails', async (status) => {
    const api = new PickyApi(new Set(['e0']), status)
    const { outcomes } = await sendBatch(api, 4)
    expect(api.requests).toHaveLength(1)
    expect(failedOnes(outcomes)).toEqual(['e0', 'e1', 'e2', 'e3'])
  })
})

describe('a transport whose store is full', () => {
  it('fails the batch with queue_full at once, without retrying, and counts it', async () => {
    const api = new PickyApi(new Set(), 400, () => ({ kind: 'full', detail: 'stream cdp:events holds 10 entries (maxStreamLength 10)' }))
    const { outcomes, stats, store } = await sendBatch(api, 3)
    expect(api.requests).toHaveLength(1)
    expect([...outcomes.values()]).toEqual(Array(3).fill('queue_full: stream cdp:events holds 10 entries (maxStreamLength 10)'))
    expect(stats).toMatchObject({ failed: 3, failedByReason: { queue_full: 3 }, retries: 0 })
    expect(store.settledLog).toEqual(['e0,e1,e2:queue_full'])
  })
})
