// The Node client over each of its transports: gzip with `compress`, and the node:http transport's
// keep-alive Agents sized to the client's maxInFlight.
import { describe, expect, it } from 'vitest'
import { createHttpTransport } from '../src/index.js'
import { client, collector, expectAllValid, outcomes } from './helpers/setup.js'
import { NODE_TRANSPORTS } from './helpers/transports.js'

describe.each(NODE_TRANSPORTS.map((t) => [t.name, t] as const))('%s transport in the Node client', (_name, { make }) => {
  it.each([
    ['compress: true gzips a large batch', true],
    ['compress left out sends it plain', false],
  ] as const)('%s', async (_case, compress) => {
    const local = await collector()
    const analytics = client(local.url, { transport: make(), flushAt: 20, ...(compress ? { compress } : {}) })
    const { callback, settled, results } = outcomes(20)
    for (let i = 0; i < 20; i++) analytics.track({ userId: `u-${i}`, event: 'gz', properties: { text: 'é'.repeat(100), i } }, callback)
    await settled
    expect(results.every((r) => r.error === undefined)).toBe(true)
    const [request] = local.requests
    expect(local.requests).toHaveLength(1)
    expect(request!.headers['content-encoding']).toBe(compress ? 'gzip' : undefined)
    const jsonBytes = Buffer.byteLength(request!.rawBody)
    if (compress) expect(request!.bytes).toBeLessThan(jsonBytes / 4)
    else expect(request!.bytes).toBe(jsonBytes)
    expect(local.messages).toHaveLength(20)
    expectAllValid(local)
  })
})

describe('createHttpTransport', () => {
  it.each([
    ['the default maxInFlight (4)', undefined, 4],
    ['maxInFlight: 8 raises the Agent to 8 sockets', 8, 8],
  ] as const)('opens as many connections as %s', async (_name, maxInFlight, expected) => {
    const local = await collector()
    local.setDefaultResponse({ status: 200, delayMs: 300 })
    const analytics = client(local.url, { transport: createHttpTransport(), flushAt: 1, ...(maxInFlight ? { maxInFlight } : {}) })
    const { callback, settled } = outcomes(12)
    for (let i = 0; i < 12; i++) analytics.track({ userId: 'u', event: `e${i}` }, callback)
    // Once the first `expected` requests are all on the wire, no more connections may open.
    await local.waitForRequests(expected)
    await settled
    expect(local.connections).toBe(expected)
    expect(local.messages).toHaveLength(12)
  })

  it('shared by two clients, opens sockets for both: their maxInFlight add up (issue 22)', async () => {
    const local = await collector()
    // Nothing is answered: a request waiting for a socket in the Agent never reaches the collector.
    local.setDefaultResponse({ action: 'hang' })
    const transport = createHttpTransport()
    const clients = [
      client(local.url, { transport, flushAt: 1, maxInFlight: 4 }),
      client(local.url, { transport, flushAt: 1, maxInFlight: 3 }),
    ]
    for (const analytics of clients) for (let i = 0; i < 8; i++) analytics.track({ userId: 'u', event: `e${i}` })
    // Before: the Agent had max(4, 3) sockets, so 3 of the 7 requests in flight waited for one while their timeouts ran.
    await local.waitForRequests(7, { timeoutMs: 20_000 })
    expect(local.connections).toBe(7)
  })
})
