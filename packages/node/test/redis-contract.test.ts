// The producer and the forwarder against a real redis-server, once with every client major the
// README names (ioredis 5 and 6, node-redis 4, 5 and 6): each message becomes one entry with its
// JSON and messageId; a forwarder delivers them all, unchanged, and leaves the stream, the group's
// pending list and the group's consumers empty; a stream at maxStreamLength refuses a batch with
// queue_full; a Redis error is a retryable network error.
import { beforeAll, describe, expect, it } from 'vitest'
import { Analytics, type AnalyticsError } from '../src/index.js'
import { createRedisStreamForwarder, createRedisStreamTransport } from '../src/redis/index.js'
import { collector, quietLogger, WRITE_KEY } from './helpers/setup.js'
import { addRaw, CLIENT_KINDS, connect, freshStream, redisServer, streamState, trackJson } from './helpers/redis.js'

let url = ''
beforeAll(async () => {
  url = (await redisServer()).url
})

/** A producer client on `transport`, closed after use. */
function producer(transport: ReturnType<typeof createRedisStreamTransport>, options = {}) {
  return new Analytics({
    writeKey: 'not-used-by-redis',
    transport,
    logger: quietLogger,
    flushOnExit: false,
    retryBackoff: () => 10,
    ...options,
  })
}

/** Tracks e0..e<n-1>; resolves with each call's error (undefined: accepted by Redis) and its messageId. */
async function trackAll(analytics: Analytics, n: number): Promise<{ errors: (AnalyticsError | undefined)[]; ids: string[] }> {
  const errors: (AnalyticsError | undefined)[] = []
  const ids: string[] = []
  let settled = 0
  await new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) {
      analytics.track({ userId: `u${i % 3}`, event: `e${i}` }, (error, message) => {
        errors[i] = error
        ids[i] = message!.messageId
        if (++settled === n) resolve()
      })
    }
  })
  return { errors, ids }
}

describe.each(CLIENT_KINDS.map((kind) => [kind.name, kind] as const))('%s', (_name, kind) => {
  it('producer: one entry per message (its JSON and messageId), accepted by Redis; forwarder: all delivered unchanged, then nothing left', async () => {
    const stream = freshStream(kind.name)
    const admin = await connect(kind, url)
    const analytics = producer(createRedisStreamTransport({ redis: (await connect(kind, url)).client, stream }))
    const { errors, ids } = await trackAll(analytics, 300)
    await analytics.close()
    expect(errors.filter(Boolean)).toEqual([])
    const entries = (await admin.command('XRANGE', stream, '-', '+')) as [string, string[]][]
    expect(entries).toHaveLength(300)
    const [, fields] = entries[0]!
    expect(fields[0]).toBe('message')
    expect(fields[2]).toBe('messageId')
    expect(JSON.parse(fields[1]!)).toMatchObject({ type: 'track', event: 'e0', messageId: fields[3] })
    expect(entries.map(([, f]) => f[3])).toEqual(ids)

    const local = await collector()
    const forwarder = createRedisStreamForwarder({
      redis: (await connect(kind, url)).client,
      stream,
      writeKey: WRITE_KEY,
      endpoint: local.url,
      logger: quietLogger,
    })
    await forwarder.start()
    await local.waitForMessages(300, { timeoutMs: 15_000 })
    await forwarder.stop()
    expect(await forwarder.done).toEqual({ reason: 'stopped' })
    expect(local.messages.map((m) => m.messageId)).toEqual(ids)
    expect(local.messages.map((m) => m.event)).toEqual(ids.map((_, i) => `e${i}`))
    expect(local.requests.every((request) => request.valid)).toBe(true)
    expect(forwarder.stats).toMatchObject({ read: 300, delivered: 300, deadLettered: 0, held: 0, redisErrors: 0 })
    expect(await streamState(admin, stream)).toEqual({ length: 0, pending: 0, dead: [], consumers: 0 })
  })

  it('a stream at maxStreamLength refuses the batch with queue_full; below it, a batch is added', async () => {
    const stream = freshStream(`${kind.name}-bound`)
    const admin = await connect(kind, url)
    for (let i = 0; i < 8; i++) await addRaw(admin, stream, { message: trackJson(`old-${i}`), messageId: `old-${i}` })
    const transport = createRedisStreamTransport({ redis: (await connect(kind, url)).client, stream, maxStreamLength: 10 })
    const analytics = producer(transport, { flushAt: 2 })
    const first = await trackAll(analytics, 2) // 8 + 2: fits
    const second = await trackAll(analytics, 2) // 10 + 2: over
    await analytics.close()
    expect(first.errors.filter(Boolean)).toEqual([])
    expect(second.errors.map((error) => error?.reason)).toEqual(['queue_full', 'queue_full'])
    expect(second.errors[0]!.message).toBe(
      `Redis stream ${stream} is full: it holds 10 undelivered entries and maxStreamLength is 10; message dropped`,
    )
    expect(analytics.stats.failedByReason).toEqual({ queue_full: 2 })
    expect(Number(await admin.command('XLEN', stream))).toBe(10)
  })

  it('a Redis error is a retryable network error: retried, then retries_exhausted with what Redis said', async () => {
    const stream = freshStream(`${kind.name}-wrongtype`)
    const admin = await connect(kind, url)
    await admin.command('SET', stream, 'not a stream') // every XADD now fails with WRONGTYPE
    const analytics = producer(createRedisStreamTransport({ redis: (await connect(kind, url)).client, stream }), {
      maxRetries: 2,
      flushAt: 1,
    })
    const retries: string[] = []
    analytics.on('retry', ({ reason }) => retries.push(reason))
    const { errors } = await trackAll(analytics, 1)
    await analytics.close()
    expect(retries).toHaveLength(2)
    expect(errors[0]).toMatchObject({ reason: 'retries_exhausted' })
    expect(errors[0]!.message).toMatch(new RegExp(`network error: Redis stream ${stream}: .*WRONGTYPE`))
  })
})
