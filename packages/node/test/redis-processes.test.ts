// Redis Streams with real processes (issue 19): app processes writing through the producer
// transport (fixtures/redis-producer.mjs), forwarders run as `cdp-analytics forward` (the bin),
// the local collector as the API, one real redis-server with AOF on. Four producers and two
// forwarders; a forwarder SIGKILLed while it holds entries; Redis killed with -9 under load.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Collector } from '../src/testing/index.js'
import { CLIENT_KINDS, eventually, freshStream, redisServer, streamState, type TestClient } from './helpers/redis.js'
import { startForwarder, startProducer } from './helpers/redis-processes.js'
import { collector, WRITE_KEY } from './helpers/setup.js'
import type { RedisServer } from '@cdp-analytics/test-redis'

let server: RedisServer
let admin: TestClient
beforeAll(async () => {
  server = await redisServer()
  admin = await CLIENT_KINDS[0]!.connect(server.url)
})
afterAll(async () => {
  await admin?.close()
})

const ids = (local: Collector) => local.messages.map((m) => String(m.messageId))
const api = (local: Collector) => ['--endpoint', local.url, '--write-key', WRITE_KEY]
/** Ids of the entries pending for `consumer`. */
async function pendingOf(stream: string, consumer: string): Promise<string[]> {
  const rows = (await admin.command('XPENDING', stream, 'cdp-forwarders', '-', '+', '100000', consumer)) as [string][]
  return rows.map(([id]) => id)
}

it('4 producer processes x 5,000 events, 2 forwarders: every messageId arrives once; the stream and its pending list end empty', async () => {
  const stream = freshStream('fleet')
  const local = await collector()
  const forwarders = await Promise.all(
    ['one', 'two'].map((name) =>
      startForwarder(server.url, ['--stream', stream, '--consumer', name, '--stats-interval', '1', ...api(local)]),
    ),
  )
  const producers = [0, 1, 2, 3].map((p) => startProducer(server.url, stream, 5000, `p${p}`))
  const summaries = await Promise.all(producers.map((producer) => producer.summary))
  for (const summary of summaries)
    expect({ accepted: summary.accepted.length, failed: summary.failed }).toEqual({ accepted: 5000, failed: {} })
  await eventually('20,000 messages at the API', () => local.messages.length >= 20_000, 60_000)
  for (const forwarder of forwarders) forwarder.child.kill('SIGTERM')
  const ends = await Promise.all(forwarders.map((forwarder) => forwarder.exited))
  expect(ends).toEqual([
    { code: 0, signal: null },
    { code: 0, signal: null },
  ])
  for (const forwarder of forwarders) expect(forwarder.stdout()).toMatch(/^delivered \d+ .*\nstopped\n$/m)
  const expected = summaries.flatMap((summary) => summary.accepted)
  expect(new Set(ids(local))).toEqual(new Set(expected))
  expect(local.duplicateMessageIds().size).toBe(0)
  expect(await streamState(admin, stream)).toEqual({ length: 0, pending: 0, dead: [], consumers: 0 })
}, 120_000)

it('a forwarder SIGKILLed while it holds entries: the other takes them over after claimIdleMs; all arrive; re-sent at most what the dead one held', async () => {
  const stream = freshStream('sigkill')
  const local = await collector()
  const summary = await startProducer(server.url, stream, 2000, 'k').summary
  expect(summary.accepted).toHaveLength(2000)
  // The API answers after 3 s: the first forwarder's requests reach it, and it dies before the answers.
  local.setDefaultResponse({ delayMs: 3000 })
  const doomed = await startForwarder(server.url, [
    '--stream',
    stream,
    '--consumer',
    'doomed',
    '--max-held',
    '600',
    '--read-count',
    '300',
    ...api(local),
  ])
  await eventually(
    'the doomed forwarder holds 600 entries, some on the wire',
    async () => (await pendingOf(stream, 'doomed')).length === 600 && local.requests.length >= 1,
  )
  const held = await pendingOf(stream, 'doomed')
  doomed.child.kill('SIGKILL')
  expect(await doomed.exited).toEqual({ code: null, signal: 'SIGKILL' })
  local.setDefaultResponse(undefined)
  const heldIds = new Set(
    ((await admin.command('XRANGE', stream, '-', '+')) as [string, string[]][])
      .filter(([id]) => held.includes(id))
      .map(([, fields]) => fields[3]!),
  )
  expect(heldIds.size).toBe(600)

  const heir = await startForwarder(server.url, ['--stream', stream, '--consumer', 'heir', '--claim-idle', '1000', ...api(local)])
  // The dead one's requests reached the API (answered to nobody): done is when the stream is empty.
  await eventually('the stream delivered and empty', async () => (await streamState(admin, stream)).length === 0, 30_000)
  heir.child.kill('SIGTERM')
  expect(await heir.exited).toEqual({ code: 0, signal: null })
  expect(new Set(ids(local))).toEqual(new Set(summary.accepted))
  const resent = [...local.duplicateMessageIds().keys()]
  expect(resent.length).toBeLessThanOrEqual(600)
  for (const id of resent) expect(heldIds.has(id), `${id} was re-sent but the dead forwarder did not hold it`).toBe(true)
  expect(heir.stdout()).toMatch(/taken over 600\b/)
  expect(await streamState(admin, stream)).toMatchObject({ length: 0, pending: 0, dead: [] })
}, 60_000)

it('Redis restarted (kill -9, AOF on) under load: producers report failures as outcomes, the forwarder reconnects, what Redis kept is delivered', async () => {
  const stream = freshStream('restart')
  const local = await collector()
  const forwarder = await startForwarder(server.url, ['--stream', stream, '--claim-idle', '2000', '--stats-interval', '1', ...api(local)])
  const producer = startProducer(server.url, stream, 6000, 'r', 'paced')
  await producer.printed(/^progress (1[5-9]\d\d|[2-9]\d{3})$/m)
  await server.kill()
  await new Promise((resolve) => setTimeout(resolve, 500))
  await server.restart()
  const summary = await producer.summary
  // Every call has its outcome; none threw (the process ended normally).
  expect(summary.settled).toBe(6000)
  expect(summary.accepted.length + Object.values(summary.failed).reduce((a, b) => a + b, 0)).toBe(6000)
  expect(Object.keys(summary.failed).every((reason) => reason === 'retries_exhausted')).toBe(true)
  // Everything Redis acknowledged was in its AOF and is delivered.
  await eventually(
    'every accepted message at the API',
    () => {
      const arrived = new Set(ids(local))
      return summary.accepted.every((id) => arrived.has(id))
    },
    30_000,
  )
  forwarder.child.kill('SIGTERM')
  expect(await forwarder.exited).toEqual({ code: 0, signal: null })
  expect(forwarder.stderr()).toMatch(/Redis/) // it said it lost Redis
  expect(await streamState(admin, stream)).toMatchObject({ length: 0, pending: 0, dead: [] })
}, 90_000)
