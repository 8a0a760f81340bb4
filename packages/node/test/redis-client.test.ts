// The user's own Redis client, told apart by shape (src/redis/client.ts): every client major the
// README names is recognised without connecting, a node-redis cluster and anything else are
// refused with a TypeError that says what to pass, from both entry points.
import { createCluster } from 'redis'
import { describe, expect, it } from 'vitest'
import { clientKind } from '../src/redis/client.js'
import { createRedisStreamForwarder, createRedisStreamTransport } from '../src/redis/index.js'
import { CLIENT_KINDS } from './helpers/redis.js'

const fn = () => undefined

describe('clientKind', () => {
  it.each([
    ['an ioredis-shaped object', { call: fn, pipeline: fn, multi: fn, duplicate: fn }, 'ioredis'],
    ['a node-redis-shaped object', { sendCommand: fn, multi: fn, duplicate: fn }, 'node-redis'],
    ['null', null, /^got null$/],
    ['a URL string', 'redis://localhost:6379', /^got string$/],
    [
      'an object with neither call',
      { get: fn, set: fn },
      /neither call\(\) and pipeline\(\) \(ioredis\) nor sendCommand\(\) \(node-redis\)/,
    ],
    ['a node-redis cluster', createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] }), /node-redis cluster client/],
  ])('%s → %s', (_name, client, kind) => {
    if (typeof kind === 'string') expect(clientKind(client)).toBe(kind)
    else expect(clientKind(client)).toMatch(kind)
  })

  it.each(CLIENT_KINDS.map((kind) => [kind.name, kind] as const))(
    'a real %s client, not yet connected, is recognised',
    async (_name, kind) => {
      // Shape only: the object exists before any connection (ioredis connects lazily here).
      const made = kind.family === 'ioredis' ? await kind.connect('redis://127.0.0.1:1') : undefined
      if (made) {
        expect(clientKind(made.client)).toBe('ioredis')
        await made.close()
      } else {
        const { createClient } = await import(kind.name.includes('4.7') ? 'redis-4' : kind.name.includes('6.4') ? 'redis-6' : 'redis')
        expect(clientKind(createClient())).toBe('node-redis')
      }
    },
  )
})

describe('the entry points refuse what is not a client', () => {
  it.each([
    ['createRedisStreamTransport', () => createRedisStreamTransport({ redis: 'redis://localhost' as never })],
    ['createRedisStreamForwarder', () => createRedisStreamForwarder({ redis: {} as never, writeKey: 'k' })],
  ])('%s', (who, make) => {
    expect(make).toThrow(TypeError)
    expect(make).toThrow(
      new RegExp(`^${who}: redis must be your Redis client, an ioredis instance \\(new Redis\\(url\\)\\) or a node-redis client`),
    )
  })

  it.each([
    [{ stream: '' }, /stream must be a non-empty string/],
    [{ maxStreamLength: 0 }, /maxStreamLength must be an integer of at least 1 \(got 0\)/],
    [{ maxStreamLength: '100' }, /maxStreamLength must be an integer of at least 1 \(got "100"\)/],
  ])('transport options %j → a ConfigError', (options, error) => {
    const redis = { call: fn, pipeline: fn, multi: fn, duplicate: fn }
    expect(() => createRedisStreamTransport({ redis, ...options } as never)).toThrow(error)
  })

  it.each([
    [{ claimIdleMs: 10 }, /claimIdleMs must be an integer of at least 100/],
    [{ maxDeliveries: 0 }, /maxDeliveries must be an integer of at least 1/],
    [{ writeKey: '' }, /writeKey must not be empty/],
    [{ region: 'mars' }, /region must be "us" or "eu"/],
  ])('forwarder options %j → a ConfigError', (options, error) => {
    const redis = { call: fn, pipeline: fn, multi: fn, duplicate: fn }
    expect(() => createRedisStreamForwarder({ redis, writeKey: 'k', ...options } as never)).toThrow(error)
  })
})
