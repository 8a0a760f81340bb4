/**
 * The Redis client of `cdp-analytics forward`: the package is never a dependency of this one
 * (issue 19), so the command loads whichever the user installed: ioredis first, else node-redis
 * (`redis`), from the project it runs in, else from beside this package (a global install).
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RedisClientLike } from '../redis/client.js'
import { UsageError } from './options.js'

export interface LoadedClient {
  kind: 'ioredis' | 'redis'
  client: RedisClientLike
  close(): Promise<void>
}

/** The module `name` as installed where the command runs, or beside this package; undefined when neither has it. */
async function importInstalled(name: string): Promise<Record<string, unknown> | undefined> {
  for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
    let path: string
    try {
      path = createRequire(base).resolve(name)
    } catch {
      continue
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  }
  return undefined
}

type Constructor = new (
  url: string,
  options: object,
) => RedisClientLike & { quit(): Promise<unknown>; on(event: string, listener: (error: Error) => void): unknown }
type NodeRedisClient = RedisClientLike & {
  connect(): Promise<unknown>
  quit?(): Promise<unknown>
  close?(): Promise<unknown>
  on(event: string, listener: (error: Error) => void): unknown
}

/** A connected client for `url`; Redis errors (reconnects) go to `onError`, which the forwarder's own log line complements. */
export async function connectRedis(url: string, onError: (error: Error) => void): Promise<LoadedClient> {
  const ioredis = await importInstalled('ioredis')
  if (ioredis) {
    const Redis = (ioredis.default ?? ioredis.Redis) as Constructor
    // Commands wait through a reconnect instead of failing after 20 tries: the forwarder bounds its own waits.
    const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false })
    client.on('error', onError)
    return { kind: 'ioredis', client, close: async () => void (await client.quit().catch(() => undefined)) }
  }
  const redis = await importInstalled('redis')
  if (redis) {
    const createClient = (redis.createClient ?? (redis.default as Record<string, unknown> | undefined)?.createClient) as (options: {
      url: string
    }) => NodeRedisClient
    const client = createClient({ url })
    client.on('error', onError)
    await client.connect()
    return {
      kind: 'redis',
      client,
      close: async () => void (await (client.close ?? client.quit)?.call(client).catch(() => undefined)),
    }
  }
  throw new UsageError(
    'forward needs a Redis client: install ioredis (npm install ioredis) or redis (npm install redis) in the project you run it from, or globally beside cdp-analytics',
  )
}
