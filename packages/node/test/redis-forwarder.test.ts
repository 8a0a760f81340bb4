// The forwarder's behaviour against a real redis-server and the local collector, with ioredis and
// with node-redis (issue 19): a poison message alone in the dead-letter stream, an API outage that
// loses nothing, a wrong write key that stops it and keeps everything, entries delivered too often,
// entries that are no message, stop() finishing what it holds, its deadline handing the rest back,
// a restart under the same name, and leases that keep a live forwarder's entries its own.
import { beforeAll, describe, expect, it } from 'vitest'
import { createRedisStreamForwarder, type RedisStreamForwarderOptions } from '../src/redis/index.js'
import type { Collector } from '../src/testing/index.js'
import { collector, quietLogger, WRITE_KEY } from './helpers/setup.js'
import {
  addRaw,
  connect,
  eventually,
  freshStream,
  MAIN_KINDS,
  redisServer,
  streamState,
  type TestClient,
  trackJson,
} from './helpers/redis.js'

let url = ''
beforeAll(async () => {
  url = (await redisServer()).url
})

/** Adds a valid entry per id, as the producer transport would; returns the entry ids. */
async function fill(admin: TestClient, stream: string, ids: string[]): Promise<string[]> {
  const entries: string[] = []
  for (const id of ids) entries.push(await addRaw(admin, stream, { message: trackJson(id), messageId: id }))
  return entries
}

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`)
const arrived = (local: Collector) => local.messages.map((m) => String(m.messageId))
const sorted = (ids: string[]) => [...ids].sort()

/** Each pending entry's [consumer, idle ms, delivery count]. */
async function pendingDetail(admin: TestClient, stream: string): Promise<[string, number, number][]> {
  const rows = (await admin.command('XPENDING', stream, 'cdp-forwarders', '-', '+', '10000')) as [string, string, number, number][]
  return rows.map(([, consumer, idle, count]) => [consumer, Number(idle), Number(count)])
}

describe.each(MAIN_KINDS.map((kind) => [kind.name, kind] as const))('forwarder with %s', (_name, kind) => {
  async function forwarder(stream: string, local: Collector, options: Partial<RedisStreamForwarderOptions> = {}) {
    const forwarding = createRedisStreamForwarder({
      redis: (await connect(kind, url)).client,
      stream,
      writeKey: WRITE_KEY,
      endpoint: local.url,
      logger: quietLogger,
      claimIdleMs: 1000,
      retryBackoff: () => 100,
      maxRetryDelay: 1000,
      ...options,
    })
    await forwarding.start()
    return forwarding
  }

  it("a poison message (the API answers 400 for it) alone ends in <stream>:dead with the API's detail; its neighbours are delivered", async () => {
    const stream = freshStream('poison')
    const admin = await connect(kind, url)
    const good = [...range('before', 25), ...range('after', 25)]
    await fill(admin, stream, good.slice(0, 25))
    // No userId and no anonymousId: the API (the collector) refuses it.
    const poison = await addRaw(admin, stream, { message: trackJson('poison', { userId: undefined }), messageId: 'poison' })
    await fill(admin, stream, good.slice(25))
    const local = await collector()
    const forwarding = await forwarder(stream, local)
    await eventually('the good ones delivered and the poison dead-lettered', async () => {
      const state = await streamState(admin, stream)
      return arrived(local).length === 50 && state.dead.length === 1 && state.length === 0
    })
    await forwarding.stop()
    expect(sorted(arrived(local))).toEqual(sorted(good))
    const state = await streamState(admin, stream)
    expect(state).toMatchObject({ length: 0, pending: 0 })
    expect(state.dead).toEqual([
      expect.objectContaining({ messageId: 'poison', entry: poison, deliveries: '1', message: trackJson('poison', { userId: undefined }) }),
    ])
    expect(state.dead[0]!.error).toMatch(/^delivery failed: HTTP 400 \(the API refused the body\): .*(userId|anonymousId)/)
    expect(forwarding.stats).toMatchObject({ delivered: 50, deadLettered: 1 })
  })

  it('an API outage (503 for 10 s, then 200): nothing lost, nothing in the dead-letter stream; the entries stay pending meanwhile', async () => {
    const stream = freshStream('outage')
    const admin = await connect(kind, url)
    const ids = range('outage', 200)
    await fill(admin, stream, ids)
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const outageStarted = Date.now()
    const forwarding = await forwarder(stream, local)
    await eventually('a few retries', () => forwarding.stats.api.retries >= 3)
    // During the outage: every entry read, held, pending in the group, none dead.
    expect(await streamState(admin, stream)).toMatchObject({ length: 200, pending: 200, dead: [] })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - outageStarted))))
    local.setDefaultResponse(undefined)
    await eventually('every message delivered', () => new Set(arrived(local)).size === 200, 20_000)
    await forwarding.stop()
    expect(sorted([...new Set(arrived(local))])).toEqual(sorted(ids))
    expect(await streamState(admin, stream)).toEqual({ length: 0, pending: 0, dead: [], consumers: 0 })
    expect(forwarding.stats.api.failed).toBe(0)
  }, 45_000)

  it('a wrong write key (401): stops with a clear error, acknowledges nothing, hands back uncounted; the right key then delivers all', async () => {
    const stream = freshStream('401')
    const admin = await connect(kind, url)
    const ids = range('key', 30)
    await fill(admin, stream, ids)
    const local = await collector()
    const wrong = await forwarder(stream, local, { writeKey: 'wk_wrong_0123456789' })
    const end = await wrong.done
    expect(end).toMatchObject({ reason: 'failed', error: { reason: 'rejected', status: 401 } })
    expect(end.reason === 'failed' && end.error.message).toMatch(/HTTP 401 \(check writeKey\)/)
    expect(await streamState(admin, stream)).toMatchObject({ length: 30, pending: 30, dead: [] })
    // Handed back: claimable at once (idle as long as claimIdleMs), delivery count as before (0).
    for (const [, idle, count] of await pendingDetail(admin, stream)) {
      expect(idle).toBeGreaterThanOrEqual(1000)
      expect(count).toBe(0)
    }
    const right = await forwarder(stream, local)
    await eventually('all delivered with the right key', () => arrived(local).length === 30)
    await right.stop()
    expect(sorted(arrived(local))).toEqual(sorted(ids))
    expect(right.stats).toMatchObject({ claimed: 30, delivered: 30, deadLettered: 0 })
    expect(await streamState(admin, stream)).toMatchObject({ length: 0, pending: 0, dead: [] })
  })

  it('an entry delivered more than maxDeliveries times moves to the dead-letter stream, saying so', async () => {
    const stream = freshStream('tired')
    const admin = await connect(kind, url)
    const tired = await addRaw(admin, stream, { message: trackJson('tired'), messageId: 'tired' })
    await fill(admin, stream, range('fresh', 3))
    // A forwarder that took it five times and never finished: it has been idle a minute.
    await admin.command('XGROUP', 'CREATE', stream, 'cdp-forwarders', '0', 'MKSTREAM')
    await admin.command('XREADGROUP', 'GROUP', 'cdp-forwarders', 'ghost', 'COUNT', '1', 'STREAMS', stream, '>')
    await admin.command('XCLAIM', stream, 'cdp-forwarders', 'ghost', '0', tired, 'IDLE', '60000', 'RETRYCOUNT', '5', 'JUSTID')
    const local = await collector()
    const forwarding = await forwarder(stream, local, { maxDeliveries: 5 })
    await eventually('dead-lettered', async () => (await streamState(admin, stream)).dead.length === 1 && arrived(local).length === 3)
    await forwarding.stop()
    const state = await streamState(admin, stream)
    expect(state.dead).toEqual([expect.objectContaining({ messageId: 'tired', entry: tired, deliveries: '6' })])
    expect(state.dead[0]!.error).toBe(
      'delivered 6 times, more than maxDeliveries 5, each time without an outcome (the forwarders holding it stopped, crashed or lost Redis first)',
    )
    expect(sorted(arrived(local))).toEqual(range('fresh', 3))
    expect(state).toMatchObject({ length: 0, pending: 0 })
  })

  it('with a finite maxRetries: an entry out of retries goes again after claimIdleMs (a delivery more), then dead-letters with its last error', async () => {
    const stream = freshStream('rounds')
    const admin = await connect(kind, url)
    const [entry] = await fill(admin, stream, ['weary'])
    const local = await collector()
    local.setDefaultResponse({ status: 503, body: '{"meta":{"errors":["down for maintenance"]}}' })
    // Each round: the first attempt and one retry; then claimIdleMs later, the next round.
    const forwarding = await forwarder(stream, local, { maxRetries: 1, maxDeliveries: 2, retryBackoff: () => 10 })
    await eventually('dead-lettered after its rounds', async () => (await streamState(admin, stream)).dead.length === 1, 20_000)
    await forwarding.stop()
    const state = await streamState(admin, stream)
    expect(state.dead).toEqual([expect.objectContaining({ messageId: 'weary', entry, deliveries: '3' })])
    expect(state.dead[0]!.error).toMatch(
      /^delivered 3 times, more than maxDeliveries 2; last error: delivery failed: HTTP 503: .*down for maintenance.* \(after 2 attempts\)$/,
    )
    expect(local.requests).toHaveLength(4) // two rounds of two attempts; the third round is not sent
    expect(forwarding.stats).toMatchObject({ claimed: 2, deadLettered: 1, delivered: 0 }) // taken again for rounds 2 and 3
    expect(state).toMatchObject({ length: 0, pending: 0 })
  })

  it('entries that are no message go to the dead-letter stream at once, each with why; the rest is delivered', async () => {
    const stream = freshStream('malformed')
    const admin = await connect(kind, url)
    await addRaw(admin, stream, { something: 'else' })
    await addRaw(admin, stream, { message: 'not json', messageId: 'not-json' })
    await addRaw(admin, stream, { message: '{"type":"track"}', messageId: 'half' })
    await fill(admin, stream, range('fine', 2))
    const local = await collector()
    const forwarding = await forwarder(stream, local)
    await eventually('sorted out', async () => (await streamState(admin, stream)).dead.length === 3 && arrived(local).length === 2)
    await forwarding.stop()
    const { dead, length, pending } = await streamState(admin, stream)
    expect(dead.map((entry) => entry.error)).toEqual([
      'the entry has no "message" field: it was not written by createRedisStreamTransport',
      'stored message: not JSON',
      'stored message: no type, messageId or timestamp',
    ])
    expect({ length, pending }).toEqual({ length: 0, pending: 0 })
    expect(local.requests.every((request) => request.valid)).toBe(true)
  })

  it('stop() delivers what it holds and acknowledges it before it returns; the group is left without it', async () => {
    const stream = freshStream('stop')
    const admin = await connect(kind, url)
    const ids = range('held', 100)
    await fill(admin, stream, ids)
    const local = await collector()
    local.setDefaultResponse({ delayMs: 800 })
    const forwarding = await forwarder(stream, local)
    await eventually('a request on the wire', () => local.requests.length >= 1)
    expect(forwarding.stats.held).toBe(100)
    await forwarding.stop()
    expect(sorted(arrived(local))).toEqual(sorted(ids))
    expect(forwarding.stats).toMatchObject({ delivered: 100, held: 0 })
    expect(await streamState(admin, stream)).toEqual({ length: 0, pending: 0, dead: [], consumers: 0 })
  })

  it("stop()'s deadline: what is not delivered by then is handed back, its delivery count unchanged; the next forwarder delivers it", async () => {
    const stream = freshStream('deadline')
    const admin = await connect(kind, url)
    const ids = range('late', 50)
    await fill(admin, stream, ids)
    const local = await collector()
    local.setDefaultResponse({ action: 'hang' })
    const first = await forwarder(stream, local, { stopTimeout: 300 })
    await eventually('a request on the wire', () => local.requests.length >= 1)
    await first.stop()
    expect(await first.done).toEqual({ reason: 'stopped' })
    expect(await streamState(admin, stream)).toMatchObject({ length: 50, pending: 50, dead: [] })
    expect((await pendingDetail(admin, stream)).map(([, , count]) => count)).toEqual(Array(50).fill(0))
    local.setDefaultResponse(undefined)
    const second = await forwarder(stream, local)
    await eventually('delivered by the next one', () => arrived(local).length === 50)
    await second.stop()
    expect(sorted(arrived(local))).toEqual(sorted(ids))
    expect(await streamState(admin, stream)).toMatchObject({ length: 0, pending: 0, dead: [] })
  })

  it('restarted under the same consumer name, a forwarder takes its own pending entries first (ID 0)', async () => {
    const stream = freshStream('same-name')
    const admin = await connect(kind, url)
    await fill(admin, stream, range('mine', 10))
    // "fixed" read these, then died without a trace; no one else may claim them for a minute.
    await admin.command('XGROUP', 'CREATE', stream, 'cdp-forwarders', '0', 'MKSTREAM')
    await admin.command('XREADGROUP', 'GROUP', 'cdp-forwarders', 'fixed', 'COUNT', '10', 'STREAMS', stream, '>')
    await fill(admin, stream, range('new', 5))
    const local = await collector()
    const forwarding = await forwarder(stream, local, { consumer: 'fixed', claimIdleMs: 60_000 })
    await eventually('all delivered', () => arrived(local).length === 15)
    await forwarding.stop()
    expect(arrived(local)).toEqual([...range('mine', 10), ...range('new', 5)])
    expect(forwarding.stats).toMatchObject({ claimed: 10, read: 5, delivered: 15 })
  })

  it('a live forwarder renews what it holds through an outage longer than claimIdleMs: another one takes none of it, and nothing arrives twice', async () => {
    const stream = freshStream('lease')
    const admin = await connect(kind, url)
    const ids = range('leased', 40)
    await fill(admin, stream, ids)
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    // Renewed every 125 ms: idle about 0.25 s at most, a tenth of the 2.5 s another forwarder waits for.
    const lease = { claimIdleMs: 2500 }
    const holder = await forwarder(stream, local, { ...lease, consumer: 'holder' })
    await eventually('all held', () => holder.stats.held === 40)
    const other = await forwarder(stream, local, { ...lease, consumer: 'other' })
    // Twice claimIdleMs with the API down: the holder keeps every entry, never idle long enough to be
    // taken (by the other, or by its own XAUTOCLAIM, which would count a delivery more).
    let longestIdle = 0
    for (const until = Date.now() + 5000; Date.now() < until; ) {
      for (const [consumer, idle, count] of await pendingDetail(admin, stream)) {
        expect([consumer, count]).toEqual(['holder', 1])
        longestIdle = Math.max(longestIdle, idle)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(longestIdle).toBeLessThan(lease.claimIdleMs)
    expect(other.stats.claimed).toBe(0)
    local.setDefaultResponse(undefined)
    await eventually('delivered', () => arrived(local).length >= 40)
    await Promise.all([holder.stop(), other.stop()])
    expect(sorted(arrived(local))).toEqual(sorted(ids))
    expect(local.duplicateMessageIds().size).toBe(0)
  })
})
