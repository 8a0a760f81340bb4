// `cdp-analytics forward`, end to end (the package's bin in a child process, a real redis-server,
// the local collector): usage mistakes exit 2 with what to fix, a wrong write key exits 1 and loses
// nothing, SIGTERM and Ctrl-C stop it cleanly (exit 0), a stats line comes every --stats-interval.
import { beforeAll, describe, expect, it } from 'vitest'
import { redactUrl, statsLine } from '../src/cli/forward.js'
import type { RedisStreamForwarderStats } from '../src/redis/index.js'
import { CLIENT_KINDS, connect, eventually, freshStream, redisServer, streamState, trackJson } from './helpers/redis.js'
import { runForwardCommand, startForwarder } from './helpers/redis-processes.js'
import { collector, WRITE_KEY } from './helpers/setup.js'

let url = ''
beforeAll(async () => {
  url = (await redisServer()).url
})

describe('usage mistakes: exit 2, saying what to fix', () => {
  it.each([
    ['no URL', [], {}, /forward needs the Redis URL, such as redis:\/\/localhost:6379/],
    ['not a redis:// URL', ['localhost:6379'], {}, /"localhost:6379" is not a redis:\/\/ or rediss:\/\/ URL/],
    ['a flag of send', ['redis://127.0.0.1:1', '--event', 'x', '--write-key', 'k'], {}, /--event is not a flag of "forward"/],
    ['no write key', ['redis://127.0.0.1:1'], {}, /no write key: set CDP_WRITE_KEY or pass --write-key/],
    [
      'a bad number',
      ['redis://127.0.0.1:1', '--claim-idle', '5', '--write-key', 'k'],
      {},
      /--claim-idle must be an integer of at least 100/,
    ],
    ['a bad region', ['redis://127.0.0.1:1', '--region', 'mars'], { CDP_WRITE_KEY: 'k' }, /region must be "us" or "eu"/],
  ])('%s', async (_name, args, env, error) => {
    const { code, stderr } = await runForwardCommand(args as string[], env as Record<string, string>)
    expect(stderr).toMatch(error)
    expect(code).toBe(2)
  })
})

it('a wrong write key: exits 1 with the API answer; the entries stay in the stream', async () => {
  const kind = CLIENT_KINDS[0]!
  const admin = await connect(kind, url)
  const stream = freshStream('cli-401')
  for (let i = 0; i < 5; i++) await admin.command('XADD', stream, '*', 'message', trackJson(`m${i}`), 'messageId', `m${i}`)
  const local = await collector()
  const { code, stderr } = await runForwardCommand([url, '--stream', stream, '--endpoint', local.url], {
    CDP_WRITE_KEY: 'wk_wrong_0123456789',
  })
  expect(stderr).toMatch(/forward stopped: delivery failed: HTTP 401 \(check writeKey\)/)
  expect(code).toBe(1)
  expect(await streamState(admin, stream)).toMatchObject({ length: 5, pending: 5, dead: [] })
})

it.each(['SIGTERM', 'SIGINT'] as const)('%s stops it cleanly: what it holds is delivered, a last stats line, exit 0', async (signal) => {
  const kind = CLIENT_KINDS[0]!
  const admin = await connect(kind, url)
  const stream = freshStream(`cli-${signal}`)
  const local = await collector()
  const forwarder = await startForwarder(url, ['--stream', stream, '--stats-interval', '0.2', '--endpoint', local.url], {
    CDP_WRITE_KEY: WRITE_KEY,
  })
  expect(forwarder.stdout()).toMatch(
    new RegExp(`^forwarding ${stream} from redis://127.0.0.1:\\d+ as \\S+ \\(ioredis\\); stop with Ctrl-C or SIGTERM$`, 'm'),
  )
  await forwarder.printed(/^delivered 0 \(0\/s\), dead-lettered 0, held 0/m)
  local.setDefaultResponse({ delayMs: 500 })
  for (let i = 0; i < 20; i++) await admin.command('XADD', stream, '*', 'message', trackJson(`s${i}`), 'messageId', `s${i}`)
  await eventually('a request on the wire', () => local.requests.length >= 1)
  // All 20 read (pending for the forwarder), so the stop has them to deliver: the signal must not
  // land between two reads, which a busy machine could make it do.
  await eventually('all 20 read: every entry left in the stream is pending', async () => {
    const { length, pending } = await streamState(admin, stream)
    return length === pending
  })
  forwarder.child.kill(signal)
  expect(await forwarder.exited).toEqual({ code: 0, signal: null })
  expect(forwarder.stdout()).toMatch(new RegExp(`${signal}: stopping: delivering what is held`))
  expect(forwarder.stdout()).toMatch(/^delivered 20 \(\d+\/s\), dead-lettered 0, held 0, .*\nstopped\n$/m)
  expect(local.messages).toHaveLength(20)
  expect(await streamState(admin, stream)).toEqual({ length: 0, pending: 0, dead: [], consumers: 0 })
})

describe('what it prints', () => {
  it.each([
    ['redis://localhost:6379', 'redis://localhost:6379'],
    ['rediss://user:s3cret@redis.example.com:6380/2', 'rediss://user:***@redis.example.com:6380/2'],
    ['redis://:s3cret@10.0.0.1', 'redis://:***@10.0.0.1'],
  ])('redactUrl(%s) → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown)
  })

  it('statsLine: totals, and deliveries per second since the last line', () => {
    const stats = {
      read: 1500,
      claimed: 20,
      delivered: 1500,
      deadLettered: 1,
      held: 3,
      redisErrors: 0,
      api: { requests: 4, retries: 1 },
    } as RedisStreamForwarderStats
    expect(statsLine(stats, 500, 2)).toBe(
      'delivered 1500 (500/s), dead-lettered 1, held 3, taken over 20, API requests 4, API retries 1, Redis errors 0',
    )
  })
})
