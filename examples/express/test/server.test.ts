// Starts the Express app (server.mjs) as its own process against the local collector, makes
// requests, sends SIGTERM while the events are still queued (flushInterval is 5 s) and checks that
// every event arrived before the signal ended the process.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'express-example'
const server = fileURLToPath(new URL('../server.mjs', import.meta.url))
let collector: Collector

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
})
afterAll(async () => {
  await collector?.close()
})

it('page views and a signup are delivered on SIGTERM, then the signal ends the process (143)', async () => {
  const child = spawn(process.execPath, [server], {
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
  await (await fetch(`${url}/docs/start`)).text()
  const signup = await fetch(`${url}/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'cool.person@example.com', plan: 'pro' }),
  })
  expect(signup.status).toBe(201)
  expect((await fetch(`${url}/signup`, { method: 'POST' })).status).toBe(400) // tracks nothing
  expect(collector.messages).toHaveLength(0) // all still queued in the server

  child.kill('SIGTERM')
  const [code, signal] = await exited
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' }) // a shell reports 128 + 15 = 143
  expect(output).toMatch(/analytics closed on SIGTERM/)
  expect(collector.messages.map((m) => [m.type, m.userId ?? m.anonymousId, m.name ?? m.event ?? null])).toEqual([
    ['page', 'u1', '/pricing'],
    ['page', 'anonymous-visitor', '/docs/start'],
    ['identify', 'user-cool.person@example.com', null],
    ['track', 'user-cool.person@example.com', 'Signed Up'],
  ])
  expect(collector.messages[2]!.traits).toEqual({ email: 'cool.person@example.com', plan: 'pro' })
  expect(collector.requests.every((r) => r.valid)).toBe(true)
}, 20_000)
