// The Transport contract (checkTransport, public in @cdp-analytics/node/testing) over every Node
// transport, and proof that the check catches transports that break it.
import { describe, expect, it } from 'vitest'
import { createFetchTransport, MemoryTransport, type Transport } from '../src/index.js'
import { checkTransport, type TransportRule } from '../src/testing/index.js'
import { NODE_TRANSPORTS } from './helpers/transports.js'

describe('checkTransport: every Node transport conforms', () => {
  it.each(NODE_TRANSPORTS.map((t) => [t.name, t] as const))('%s', async (_name, { make }) => {
    expect(await checkTransport(make())).toEqual([])
  })
})

/** Transports that each break some rules, and the rules the check must name. */
const BROKEN: { name: string; transport: Transport; breaks: TransportRule[] }[] = [
  {
    name: 'fetch that follows redirects',
    transport: createFetchTransport({ fetch: (input, init) => fetch(input, { ...init, redirect: 'follow' }) }),
    breaks: ['redirect'],
  },
  {
    name: 'fetch that never reads the response body',
    transport: {
      async send(request) {
        try {
          const response = await fetch(request.url, {
            method: 'POST',
            headers: request.headers,
            body: request.body as BodyInit,
            redirect: 'manual',
            signal: request.signal,
          })
          return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after') }
        } catch (error) {
          return { kind: 'network-error', error, timedOut: false }
        }
      },
    },
    breaks: ['reuse', 'detail', 'timeout'],
  },
  {
    name: 'a transport that throws',
    transport: {
      send: async () => {
        throw new Error('boom')
      },
    },
    breaks: ['body', 'status', 'never-throws', 'gzip'],
  },
  { name: 'MemoryTransport (no network at all)', transport: new MemoryTransport(), breaks: ['body', 'status', 'redirect'] },
]

describe('checkTransport: names the rules a transport breaks', () => {
  it.each(BROKEN.map((b) => [b.name, b] as const))('%s', async (_name, { transport, breaks }) => {
    const broken = new Set((await checkTransport(transport, { sends: 6 })).map((v) => v.rule))
    for (const rule of breaks) expect(broken, `rule ${rule}`).toContain(rule)
  })
})
