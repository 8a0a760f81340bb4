// Shared by the Redis Streams tests (issue 19): a real redis-server per test file (AOF on, stopped
// after), the Redis clients a user may pass (every major the README names), and what a stream holds.
import { type RedisServer, startRedisServer } from '@cdp-analytics/test-redis'
import IoRedis6 from 'ioredis'
import IoRedis5 from 'ioredis-5'
import { createClient as createClient5 } from 'redis'
import { createClient as createClient4 } from 'redis-4'
import { createClient as createClient6 } from 'redis-6'
import { afterAll, afterEach, inject } from 'vitest'
import type { RedisClientLike } from '../../src/redis/index.js'

/** A redis-server for this test file, stopped after it; fails (never skips) when there is none, saying how to get one. */
export async function redisServer(): Promise<RedisServer> {
  const found = inject('redisServer')
  if ('error' in found) throw new Error(found.error)
  const server = await startRedisServer()
  afterAll(() => server.stop())
  return server
}

/** A client the test can use and the way to end it. */
export interface TestClient {
  client: RedisClientLike
  /** Generic command, whatever the client (for the test's own checks). */
  command(...args: (string | number)[]): Promise<unknown>
  close(): Promise<void>
}

export interface ClientKind {
  name: string
  family: 'ioredis' | 'node-redis'
  connect(url: string): Promise<TestClient>
}

const quiet = () => undefined

function ioredis(name: string, Redis: typeof IoRedis6): ClientKind {
  return {
    name,
    family: 'ioredis',
    async connect(url) {
      const client = new Redis(url, { maxRetriesPerRequest: null })
      client.on('error', quiet)
      return {
        client,
        command: (...args) => client.call(String(args[0]), ...args.slice(1).map(String)),
        close: async () => void client.disconnect(),
      }
    },
  }
}

type CreateClient = (options: { url: string }) => {
  on(event: 'error', listener: () => void): unknown
  connect(): Promise<unknown>
  sendCommand(args: string[]): Promise<unknown>
  disconnect?(): Promise<unknown>
  destroy?(): void
}

function nodeRedis(name: string, createClient: CreateClient): ClientKind {
  return {
    name,
    family: 'node-redis',
    async connect(url) {
      const client = createClient({ url })
      client.on('error', quiet)
      await client.connect()
      return {
        client: client as unknown as RedisClientLike,
        command: (...args) => client.sendCommand(args.map(String)),
        close: async () => {
          if (client.destroy) client.destroy()
          else await client.disconnect?.().catch(quiet)
        },
      }
    },
  }
}

/** Every client major the README promises: ioredis 5.x and 6.x, node-redis 4.x, 5.x and 6.x. */
export const CLIENT_KINDS: ClientKind[] = [
  ioredis('ioredis 6.1.0', IoRedis6),
  ioredis('ioredis 5.11.1', IoRedis5 as unknown as typeof IoRedis6),
  nodeRedis('node-redis 4.7.1', createClient4 as unknown as CreateClient),
  nodeRedis('node-redis 5.12.4', createClient5 as unknown as CreateClient),
  nodeRedis('node-redis 6.4.0', createClient6 as unknown as CreateClient),
]

/** The two families, at the versions the long tests run with. */
export const MAIN_KINDS = [CLIENT_KINDS[0]!, CLIENT_KINDS[3]!]

const opened: TestClient[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((client) => client.close()))
})

/** A connected client of `kind`, closed after the test. */
export async function connect(kind: ClientKind, url: string): Promise<TestClient> {
  const client = await kind.connect(url)
  opened.push(client)
  return client
}

let streams = 0
/** A stream name of its own for each test, so tests of a file share one server. */
export const freshStream = (label: string) => `test:${label.replace(/\W+/g, '-')}:${process.pid}:${++streams}`

/** Reads what a stream holds: length, pending entries of the group, and the dead-letter stream's entries. */
export async function streamState(admin: TestClient, stream: string, group = 'cdp-forwarders') {
  const length = Number(await admin.command('XLEN', stream))
  const summary = (await admin.command('XPENDING', stream, group).catch(() => [0])) as unknown[]
  const deadRaw = (await admin.command('XRANGE', `${stream}:dead`, '-', '+')) as [string, string[]][]
  const dead = deadRaw.map(([, fields]) => {
    const record: Record<string, string> = {}
    for (let i = 0; i < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!
    return record
  })
  const consumers = ((await admin.command('XINFO', 'CONSUMERS', stream, group).catch(() => [])) as unknown[][]).length
  return { length, pending: Number(summary[0]), dead, consumers }
}

/** Adds an entry as another producer would (a raw XADD), for entries the transport would never write. */
export async function addRaw(admin: TestClient, stream: string, fields: Record<string, string>): Promise<string> {
  return String(await admin.command('XADD', stream, '*', ...Object.entries(fields).flat()))
}

/** A valid track message's JSON with the given messageId. */
export function trackJson(messageId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'track',
    userId: 'u-1',
    event: 'Stored',
    messageId,
    timestamp: '2026-01-01T00:00:00.000Z',
    context: { library: { name: 'test', version: '0' } },
    ...extra,
  })
}

/** Polls `check` every 20 ms until it returns true (up to `ms`); throws with `what` if it never does. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
