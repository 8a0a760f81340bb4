// The Hono app on Node (src/node.mjs) as its own process against the local collector: requests,
// then SIGTERM while the events are still queued; every event must arrive before the signal ends
// the process.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'hono-node-example'
const entry = fileURLToPath(new URL('../src/node.mjs', import.meta.url))
let collector: Collector

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
})
afterAll(async () => {
  await collector?.close()
})

it('on Node: page views and a signup are delivered on SIGTERM, then the signal ends the process', async () => {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  let output = ''
  child.stdout.setEncoding('utf8')
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`server exited early (${code}): ${output}`)))
  })

  expect(await (await fetch(`${url}/pricing`, { headers: { 'x-user-id': 'u1' } })).text()).toBe('Hello from /pricing\n')
  const signup = await fetch(`${url}/signup`, {
    method: 'POST',
    headers: { 'x-user-id': 'u2', 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cool.person@example.com', plan: 'pro' }),
  })
  expect(signup.status).toBe(201)
  expect(collector.messages).toHaveLength(0) // still queued

  child.kill('SIGTERM')
  const [code, signal] = await exited
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' }) // 143 in a shell
  expect(collector.messages.map((m) => [m.type, m.userId])).toEqual([
    ['page', 'u1'],
    ['identify', 'u2'],
    ['track', 'u2'],
  ])
  expect(collector.messages[0]).toMatchObject({ name: '/pricing', context: { library: { name: '@cdp-analytics/node' } } })
  expect(collector.requests.every((r) => r.valid)).toBe(true)
}, 20_000)
