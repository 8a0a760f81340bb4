// Starts server.mjs as its own process against the local collector, makes requests, sends SIGTERM
// right away (the events are still queued: the client's flushInterval is 5 s) and checks that every
// event arrived before the signal ended the process (exit status 143 for SIGTERM, 130 for SIGINT),
// also the event of a request still in progress when the signal came.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
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
  /** Resolves once the server's output matches `pattern`. */
  const logged = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => pattern.test(output) && resolve()
      child.stdout.on('data', check)
      check()
    })
  return { child, url, exited, logged, output: () => output }
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

it('SIGTERM during an upload: the request is answered and its event delivered, then the process ends', async () => {
  collector.reset()
  const { child, url, exited, logged } = await start()
  const upload = request(`${url}/upload`, { method: 'POST', headers: { 'x-user-id': 'u-upload' } })
  const answer = new Promise<string>((resolve, reject) => {
    upload.on('response', async (response) => {
      let text = ''
      for await (const chunk of response) text += chunk
      resolve(`${response.statusCode} ${text}`)
    })
    upload.on('error', reject)
  })
  upload.write('the first half, ')
  await logged(/POST \/upload/) // the server is handling it, waiting for the rest of the body
  child.kill('SIGTERM')
  // The rest of the body comes once the server is shutting down (or has ended, without beforeClose).
  await Promise.race([logged(/shutting down/), exited])
  upload.end('then the rest')
  expect(await answer).toBe('200 Hello from /upload\n')
  const [code, signal] = await exited
  expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' })
  expect(collector.messages).toMatchObject([
    { type: 'page', userId: 'u-upload', name: '/upload', properties: { method: 'POST', bytes: 29 } },
  ])
}, 20_000)
