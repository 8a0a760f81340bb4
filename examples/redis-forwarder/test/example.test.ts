// Runs the README's two commands as written, `npm start` (the app) then `npm run forward` (the
// forwarder), against a real redis-server and the local collector: the app's 20 events wait in the
// stream, the forwarder delivers every one of them unchanged, and after Ctrl-C (SIGINT to its
// process group, as a terminal sends it) it stops cleanly, leaving the stream and its group empty.
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type RedisServer, startRedisServer } from '@cdp-analytics/test-redis'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import Redis from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'redis-forwarder-example'
const here = fileURLToPath(new URL('..', import.meta.url))
let server: RedisServer
let collector: Collector
let redis: Redis

beforeAll(async () => {
  server = await startRedisServer()
  collector = await startCollector({ writeKey: WRITE_KEY })
  redis = new Redis(server.url)
})
afterAll(async () => {
  redis?.disconnect()
  await collector?.close()
  await server?.stop()
})

/** `npm run <script>` in this folder, in a process group of its own, as a shell runs it. */
function npm(script: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // The code of npm itself: null when a signal ended it (Ctrl-C reaches npm too, as in a terminal).
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: here,
    env: { ...process.env, REDIS_URL: server.url, CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  return { child, output: () => output, exited: new Promise((resolve) => child.on('close', resolve)) }
}

it('npm start puts 20 events in the stream; npm run forward delivers them all; Ctrl-C leaves nothing behind', async () => {
  const app = npm('start')
  expect(await app.exited, app.output()).toBe(0)
  expect(app.output()).toContain('20 events accepted by Redis in the stream cdp:events')
  expect(await redis.xlen('cdp:events')).toBe(20)
  expect(collector.messages).toHaveLength(0)

  const forward = npm('forward')
  const messages = await collector.waitForMessages(20, { timeoutMs: 30_000 })
  expect(messages.map((m) => [m.type, m.userId])).toEqual(
    Array.from({ length: 10 }, (_, i) => [
      ['identify', `user-${i + 1}`],
      ['track', `user-${i + 1}`],
    ]).flat(),
  )
  expect(collector.requests.every((request) => request.valid)).toBe(true)
  process.kill(-forward.child.pid!, 'SIGINT')
  await forward.exited
  // The forwarder itself stopped cleanly: it said so after its last stats line (npm ends by the signal).
  expect(forward.output()).toMatch(/^forwarding cdp:events from redis:\/\/127\.0\.0\.1:\d+ as /m)
  expect(forward.output()).toMatch(/^delivered 20 .*\nstopped\n/m)
  expect(await redis.xlen('cdp:events')).toBe(0)
  expect(await redis.xpending('cdp:events', 'cdp-forwarders')).toEqual([0, null, null, null])
})
