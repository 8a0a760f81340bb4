// Sending through a forward proxy with each Node transport, against a real proxy server (the `proxy`
// package) on 127.0.0.1: an Agent for node:http (https-proxy-agent), an undici dispatcher for fetch
// (ProxyAgent), and a ky instance whose `fetch` passes that dispatcher. Every request must cross the
// proxy (a CONNECT tunnel per connection) and arrive whole at the collector.
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { HttpsProxyAgent } from 'https-proxy-agent'
import ky from 'ky'
import { createProxy } from 'proxy'
import { ProxyAgent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createFetchTransport, createHttpTransport, type Transport } from '../src/index.js'
import { createKyTransport } from '../src/ky.js'
import { client, collector, expectAllValid, outcomes } from './helpers/setup.js'

const servers: { server: Server; sockets: Set<Socket> }[] = []
afterEach(async () => {
  const closing = servers.splice(0).map(({ server, sockets }) => {
    // Tunnels are upgraded sockets the server no longer tracks: destroy them, or close() waits for keep-alive.
    for (const socket of sockets) socket.destroy()
    return new Promise((resolve) => server.close(resolve))
  })
  await Promise.all(closing)
})

/** A forward proxy on 127.0.0.1 that counts the tunnels it opened and the requests it relayed. */
async function startProxy() {
  const server = createProxy(createServer())
  const seen = { tunnels: 0, relayed: 0 }
  server.on('connect', () => seen.tunnels++)
  server.on('request', () => seen.relayed++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  servers.push({ server, sockets })
  const { port } = server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, seen }
}

const PROXIED: { name: string; through: (proxyUrl: string) => Transport }[] = [
  {
    name: 'http: agent (https-proxy-agent)',
    through: (url) => createHttpTransport({ agent: new HttpsProxyAgent(url, { keepAlive: true }) }),
  },
  { name: 'fetch: dispatcher (undici ProxyAgent)', through: (url) => createFetchTransport({ dispatcher: new ProxyAgent(url) }) },
  {
    name: 'ky: an instance whose fetch passes the dispatcher',
    through: (url) => {
      const dispatcher = new ProxyAgent(url)
      const viaProxy = ky.create({ fetch: (input, init) => fetch(input, { ...init, dispatcher } as RequestInit) })
      return createKyTransport({ ky: viaProxy })
    },
  },
]

describe('through a forward proxy', () => {
  it.each(PROXIED.map((p) => [p.name, p] as const))('%s', async (_name, { through }) => {
    const local = await collector()
    const proxy = await startProxy()
    const analytics = client(local.url, { transport: through(proxy.url), flushAt: 5, compress: true })
    const { callback, settled, results } = outcomes(15)
    for (let i = 0; i < 15; i++) analytics.track({ userId: `u-${i}`, event: 'proxied', properties: { text: 'x'.repeat(200) } }, callback)
    await settled
    expect(results.every((r) => r.error === undefined)).toBe(true)
    expect(local.messages).toHaveLength(15)
    // Every connection to the collector was a tunnel the proxy opened (the collector never saw the client directly).
    expect(proxy.seen.tunnels + proxy.seen.relayed).toBeGreaterThan(0)
    expect(local.connections).toBe(proxy.seen.tunnels + proxy.seen.relayed)
    expect(local.requests.every((r) => r.headers['content-encoding'] === 'gzip')).toBe(true)
    expectAllValid(local)
  })
})
