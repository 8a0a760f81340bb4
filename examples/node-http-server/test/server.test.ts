// Starts server.mjs as its own process against the local collector, makes requests, sends SIGTERM
// right away (the events are still queued: the client's flushInterval is 5 s) and checks that every
// event arrived before the signal ended the process (exit status 143 for SIGTERM, 130 for SIGINT).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'

const WRITE_KEY = 'node-http-server-example'
const server = fileURLToPath(new URL('../server.mjs', import.meta.url))
let collector: Collector

beforeAll(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
})
afterAll(async () => {
  await collector?.close()
})

async function start() {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
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
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  return { child, url, exited, output: () => output }
}

it('SIGTERM: every tracked request is delivered, then the signal ends the process (143)', async () => {
  collector.reset()
  const { child, url, exited, output } = await start()
  const paths = ['/', '/pricing', '/docs', '/signup']
  for (const path of paths) {
    const response = await fetch(`${url}${path}`, { headers: { 'x-user-id': `u${path}` } })
    expect(await response.text()).toBe(`Hello from ${path}\n`)
  }
  expect(collector.messages).toHaveLength(0) // still queued in the server

  child.kill('SIGTERM')
  const [code, signal] = await exited
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' }) // a shell reports 128 + 15 = 143
  expect(output()).toMatch(/analytics closed on SIGTERM/)
  expect(collector.messages.map((m) => [m.type, m.userId, m.name])).toEqual(paths.map((path) => ['page', `u${path}`, path]))
  expect(collector.requests.every((r) => r.valid)).toBe(true)
}, 20_000)

it('SIGINT (Ctrl-C) delivers too', async () => {
  collector.reset()
  const { child, url, exited } = await start()
  await (await fetch(`${url}/ctrl-c`)).text()
  child.kill('SIGINT')
  const [, signal] = await exited
  expect(signal).toBe('SIGINT') // 130 in a shell
  expect(collector.messages).toMatchObject([{ type: 'page', anonymousId: 'anonymous-visitor', name: '/ctrl-c' }])
}, 20_000)
