// Compiled by tsc in test/types.test.ts: every client the README names is accepted as `redis`, as
// a user's compiler sees it; what is no client is an error.
import IoRedis6, { Cluster } from 'ioredis'
import IoRedis5 from 'ioredis-5'
import { createClient as createClient5 } from 'redis'
import { createClient as createClient4 } from 'redis-4'
import { createClient as createClient6 } from 'redis-6'
import { Analytics } from '../../src/index.js'
import { createRedisStreamForwarder, createRedisStreamTransport } from '../../src/redis/index.js'

const clients = [
  new IoRedis6('redis://localhost:6379'),
  new IoRedis5('redis://localhost:6379'),
  new Cluster([{ host: 'localhost', port: 7000 }]),
  createClient4({ url: 'redis://localhost:6379' }),
  createClient5({ url: 'redis://localhost:6379' }),
  createClient6({ url: 'redis://localhost:6379' }),
]
for (const redis of clients) {
  new Analytics({ writeKey: 'redis', transport: createRedisStreamTransport({ redis, stream: 'cdp:events', maxStreamLength: 1e6 }) })
  const forwarder = createRedisStreamForwarder({ redis, writeKey: 'wk', region: 'eu', claimIdleMs: 30_000 })
  void forwarder.done.then((end) => (end.reason === 'failed' ? end.error.reason : 'stopped'))
}

// @ts-expect-error a URL is not a client: pass your own connected client
createRedisStreamTransport({ redis: 'redis://localhost:6379' })
// @ts-expect-error the forwarder needs the write key
createRedisStreamForwarder({ redis: new IoRedis6() })
// @ts-expect-error an option of the producer, not the forwarder
createRedisStreamForwarder({ redis: new IoRedis6(), writeKey: 'wk', maxStreamLength: 10 })
