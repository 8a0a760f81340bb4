// The durable-store contract (store.ts, issue 18): accepted calls are handed to the store, stored
// messages enter through enqueueStored() with their original JSON, and every message's outcome
// goes back to the store exactly once, as well as to the events, the stats and its callback.
import { describe, expect, it } from 'vitest'
import { DurableCore } from '../src/durable.js'
import { type AnalyticsError, QueueFullError } from '../src/errors.js'
import { MemoryTransport } from '../src/memory-transport.js'
import type { AnalyticsOptions } from '../src/options.js'
import { checkStored, type MessageStore, type StoreItem } from '../src/store.js'
import { LIBRARY, silentLogger } from './helpers/client.js'

/** A store that keeps records in an array and notes every hook call. */
class ArrayStore implements MessageStore {
  kept: string[] = []
  settledLog: { tokens: unknown[]; outcome: string }[] = []
  sendsWaited = 0
  refuse: AnalyticsError | undefined
  accept(item: StoreItem): AnalyticsError | undefined {
    if (this.refuse) return this.refuse
    item.stored = `record-${this.kept.length}`
    this.kept.push(item.json)
    return undefined
  }
  settled(items: readonly StoreItem[], error: AnalyticsError | undefined): void {
    this.settledLog.push({ tokens: items.map((item) => item.stored), outcome: error ? error.reason : 'delivered' })
  }
  beforeSend(): Promise<void> {
    this.sendsWaited++
    return Promise.resolve()
  }
}

/** As the Node client drops for its spool's `whenFull: 'drop_oldest'`, through its scheduler. */
class DroppingClient extends DurableCore {
  drop(where: (item: StoreItem) => boolean): number {
    return this.scheduler.failOldestWhile(where, new QueueFullError('store full; oldest dropped'))
  }
}

function setup(options: Partial<AnalyticsOptions> = {}, transport = new MemoryTransport()) {
  const store = new ArrayStore()
  const client = new DroppingClient(
    { writeKey: 'test-key', retryBackoff: () => 1, logger: silentLogger, flushAt: 100, ...options },
    { transport, library: LIBRARY, store },
  )
  const events: string[] = []
  client.on('delivered', ({ message }) => events.push(`delivered ${message.messageId}`))
  client.on('failed', ({ error, message }) => events.push(`failed:${error.reason} ${message?.messageId}`))
  return { client, store, transport, events }
}

const stored = (id: string, timestamp = '2020-01-01T00:00:00.000Z') =>
  JSON.stringify({ type: 'track', event: 'old', userId: 'u', messageId: id, timestamp, context: {} })

describe('MessageStore: accepted calls', () => {
  it('each accepted call is handed to the store before the call returns; its outcome comes back with its token', async () => {
    const { client, store } = setup()
    client.track({ userId: 'u', event: 'a', messageId: 'm-a' })
    client.track({ userId: 'u', event: 'b', messageId: 'm-b' })
    expect(store.kept.map((json) => JSON.parse(json).messageId)).toEqual(['m-a', 'm-b'])
    await client.flush()
    expect(store.settledLog).toEqual([{ tokens: ['record-0', 'record-1'], outcome: 'delivered' }])
    expect(store.sendsWaited).toBe(1)
  })

  it('a store that refuses (full) refuses the call with its error; the queue never holds it', async () => {
    const { client, store, transport } = setup()
    store.refuse = new QueueFullError('spool is full')
    const outcome = await new Promise<AnalyticsError | undefined>((resolve) =>
      client.track({ userId: 'u', event: 'a' }, (error) => resolve(error as AnalyticsError | undefined)),
    )
    expect(outcome).toMatchObject({ reason: 'queue_full', message: 'spool is full' })
    await client.flush()
    expect(transport.requests).toHaveLength(0)
    expect(client.stats).toMatchObject({ enqueued: 0, failed: 1, queued: 0 })
  })

  it('a call the queue refuses never reaches the store', () => {
    const { client, store } = setup({ maxQueueSize: 1, flushAt: 10 })
    client.track({ userId: 'u', event: 'a' })
    client.track({ userId: 'u', event: 'b' })
    expect(store.kept).toHaveLength(1)
  })
})

describe('enqueueStored', () => {
  it('sends stored JSON unchanged, before later calls, and reports each outcome to the store, the events, the stats and onOutcome', async () => {
    const { client, store, transport, events } = setup()
    const outcomes: string[] = []
    for (const id of ['s-1', 's-2']) {
      expect(
        client.enqueueStored({
          json: stored(id),
          token: `seg/${id}`,
          onOutcome: (error) => outcomes.push(`${id} ${error?.reason ?? 'ok'}`),
        }),
      ).toBeUndefined()
    }
    client.track({ userId: 'u', event: 'new', messageId: 'm-new' })
    await client.flush()
    const sent = transport.messages
    expect(sent.map((m) => m.messageId)).toEqual(['s-1', 's-2', 'm-new'])
    expect(sent[0]).toMatchObject({ timestamp: '2020-01-01T00:00:00.000Z', event: 'old' })
    expect(store.kept).toHaveLength(1) // only the new call was handed to accept()
    expect(store.settledLog).toEqual([{ tokens: ['seg/s-1', 'seg/s-2', 'record-0'], outcome: 'delivered' }])
    expect(events).toEqual(['delivered s-1', 'delivered s-2', 'delivered m-new'])
    expect(outcomes).toEqual(['s-1 ok', 's-2 ok'])
    expect(client.stats).toMatchObject({ enqueued: 3, restored: 2, delivered: 3 })
  })

  it.each([
    // what is offered: refused with this reason, and no outcome is reported (the store keeps it,
    // or for JSON that is no message, drops it as damage)
    ['a full queue', { maxQueueSize: 1 }, 'queue_full'],
    ['a closed client', {}, 'closed'],
    ['JSON that is no message', {}, 'invalid'],
  ] as const)('%s: refused with reason %s, no outcome reported', async (name, options, reason) => {
    const { client, store, events } = setup(options)
    if (name === 'a full queue') client.enqueueStored({ json: stored('first') })
    if (name === 'a closed client') await client.close()
    const json = name === 'JSON that is no message' ? '{"type":"track"}' : stored('offered')
    expect(client.enqueueStored({ json, token: 'offered' })).toMatchObject({ reason })
    await client.flush()
    expect(store.settledLog.filter((entry) => entry.tokens.includes('offered'))).toEqual([])
    expect(events.filter((event) => event.includes('offered'))).toEqual([])
  })

  it('a failure after retries reaches the store with its reason', async () => {
    const transport = new MemoryTransport().respondWith(500, 500)
    const { client, store } = setup({ maxRetries: 1 }, transport)
    client.enqueueStored({ json: stored('s-1'), token: 't' })
    await client.flush()
    expect(store.settledLog).toEqual([{ tokens: ['t'], outcome: 'retries_exhausted' }])
  })
})

describe('dropOldest', () => {
  it('fails the oldest waiting messages that match, after the call; the rest is sent; flush waits for both', async () => {
    const { client, store, transport, events } = setup()
    for (const id of ['s-1', 's-2', 's-3']) client.enqueueStored({ json: stored(id), token: id === 's-3' ? 'keep' : 'drop' })
    expect(client.drop((item) => item.stored === 'drop')).toBe(2)
    expect(events).toEqual([]) // reported after the current call returns
    await client.flush()
    expect(transport.messages.map((m) => m.messageId)).toEqual(['s-3'])
    expect(events).toEqual(['failed:queue_full s-1', 'failed:queue_full s-2', 'delivered s-3'])
    expect(store.settledLog).toEqual([
      { tokens: ['drop', 'drop'], outcome: 'queue_full' },
      { tokens: ['keep'], outcome: 'delivered' },
    ])
  })

  it('drops nothing when the oldest does not match', () => {
    const { client } = setup()
    client.enqueueStored({ json: stored('s-1'), token: 'keep' })
    client.enqueueStored({ json: stored('s-2'), token: 'drop' })
    expect(client.drop((item) => item.stored === 'drop')).toBe(0)
  })
})

describe('checkStored: the guard of enqueueStored() without onOutcome, which parses nothing', () => {
  it.each([
    ['a message', stored('m-1'), undefined],
    ['a message written with spaces', '{ "type": "track", "messageId": "m", "timestamp": "2020-01-01T00:00:00.000Z" }', undefined],
    ['not an object', 'not json', 'stored message: not JSON'],
    ['an array', '[1,2]', 'stored message: not JSON'],
    ['no messageId', '{"type":"track","timestamp":"t"}', 'stored message: no type, messageId or timestamp'],
    ['no timestamp', '{"type":"track","messageId":"m"}', 'stored message: no type, messageId or timestamp'],
    ['type not a string', '{"type":1,"messageId":"m","timestamp":"t"}', 'stored message: no type, messageId or timestamp'],
  ])('%s', (_name, json, error) => {
    expect(checkStored(json)?.message).toBe(error)
  })

  it('a record that passes it but is no JSON (a damaged middle) is refused by the API and fails alone (the batch is split)', async () => {
    const refusesBrokenBodies = {
      async send(request: { body: string | Uint8Array }) {
        try {
          JSON.parse(request.body as string)
          return { kind: 'response' as const, status: 200 }
        } catch {
          return { kind: 'response' as const, status: 400, detail: '(body): not JSON' }
        }
      },
    }
    const { client, store, events } = setup({}, refusesBrokenBodies as never)
    const broken = `${stored('s-2').slice(0, -1)},"oops":}`
    for (const json of [stored('s-1'), broken, stored('s-3')]) client.enqueueStored({ json, token: JSON.stringify(json).slice(0, 12) })
    await client.flush()
    expect(events).toEqual(['delivered s-1', 'failed:rejected undefined', 'delivered s-3'])
    expect(store.settledLog.map((entry) => entry.outcome)).toEqual(['delivered', 'rejected', 'delivered'])
  })
})
