/**
 * `@cdp-analytics/node/redis`: delivery through Redis Streams (issue 19). Apps add their messages
 * to a stream (`createRedisStreamTransport`); forwarders on any machines deliver it to the API
 * (`createRedisStreamForwarder`, or the `cdp-analytics forward` command). Bring your own client:
 * ioredis (5.x, 6.x) or node-redis (4.x–6.x); none is a dependency of this package.
 */
export { createRedisStreamTransport } from './transport.js'
export { createRedisStreamForwarder } from './forwarder.js'
export type { ForwarderEnd, RedisStreamForwarder, RedisStreamForwarderStats } from './types.js'
export type { RedisStreamForwarderOptions, RedisStreamTransportOptions } from './options.js'
export { DEFAULT_GROUP, DEFAULT_STREAM } from './options.js'
export type { IoRedisLike, NodeRedisLike, RedisClientLike } from './client.js'
export type { DeadLetter } from './policy.js'
