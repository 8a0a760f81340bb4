// The browser transport's routes and what it tells the keeper, as a table: the browser's answers
// (a keepalive fetch answered, or refused a task later as Chromium refuses one over the page's
// budget; sendBeacon's true or false) are stand-ins here, because when a refusal lands relative to
// pagehide cannot be arranged in a real page. leave.test.ts runs the same transport in Chromium.
import type { TransportRequest } from '@cdp-analytics/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBrowserTransport } from '../src/transport.js'

const messages = ['{"messageId":"a"}', '{"messageId":"b"}']

function request(headers: Record<string, string> = {}): TransportRequest {
  return {
    url: 'https://cdp.customer.io/v1/batch',
    headers: { ...headers, Authorization: 'Basic a2V5Og==', 'Content-Type': 'application/json' },
    body: `{"batch":[${messages.join(',')}],"sentAt":"2026-12-06T00:00:00.000Z"}`,
    timeout: 10_000,
    signal: new AbortController().signal,
    messages: messages.map((json) => ({ json, bytes: json.length })),
  }
}

type KeepaliveAnswer = 'answers 200' | 'refused a task later' | undefined

interface Row {
  name: string
  leaving: boolean
  keepalive: KeepaliveAnswer
  beacon?: boolean
  /** The user's own headers (`headers`, `strictMode`). */
  headers?: Record<string, string>
  /** What went out, in order. */
  sent: string[]
  /** What the keeper was told, in order. */
  told: string[]
}

describe('the browser transport: routes, and which messages ride', () => {
  afterEach(() => vi.unstubAllGlobals())

  it.each<Row>([
    {
      name: 'visible, within the budget: a keepalive fetch, riding once a task passed, until its answer',
      leaving: false,
      keepalive: 'answers 200',
      sent: ['keepalive'],
      told: ['ride', 'land'],
    },
    {
      name: 'a keepalive refused for the budget (TypeError a task later): never riding, sent plainly at once',
      leaving: false,
      keepalive: 'refused a task later',
      sent: ['keepalive', 'plain'],
      told: [],
    },
    {
      name: 'pagehide fired: a beacon the browser takes is sent, and rides on nothing',
      leaving: true,
      keepalive: undefined,
      beacon: true,
      sent: ['beacon'],
      told: [],
    },
    {
      name: 'pagehide fired, the beacon refused (budget): a plain fetch, its messages kept by the keeper',
      leaving: true,
      keepalive: undefined,
      beacon: false,
      sent: ['beacon', 'plain'],
      told: [],
    },
    {
      name: "pagehide fired, with the user's own header: a keepalive fetch, since a beacon would drop the header",
      leaving: true,
      keepalive: 'answers 200',
      headers: { 'X-Strict-Mode': '1' },
      sent: ['keepalive'],
      told: ['ride', 'land'],
    },
  ])('$name', async ({ leaving, keepalive, beacon, headers, sent, told }) => {
    const went: string[] = []
    const bodies: { url: string; type: string | null; authorization: string | null; writeKey: string }[] = []
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers)
      bodies.push({
        url,
        type: headers.get('content-type'),
        authorization: headers.get('authorization'),
        writeKey: JSON.parse(init.body as string).writeKey,
      })
      went.push(init.keepalive ? 'keepalive' : 'plain')
      if (init.keepalive && keepalive === 'refused a task later')
        return new Promise((_, reject) => setTimeout(() => reject(new TypeError('Failed to fetch'))))
      // A real answer takes a round trip: several tasks.
      return new Promise((resolve) => setTimeout(() => resolve(new Response('{}')), 20))
    })
    vi.stubGlobal('navigator', {
      sendBeacon: (url: string, body: string) => {
        went.push('beacon')
        bodies.push({ url, type: 'text/plain', authorization: null, writeKey: JSON.parse(body).writeKey })
        return beacon
      },
    })
    const rides: string[] = []
    const transport = createBrowserTransport('key', (jsons, riding) => {
      expect(jsons).toEqual(messages)
      rides.push(riding ? 'ride' : 'land')
    })
    transport.leaving = leaving
    const result = await transport.send(request(headers))
    expect(result).toMatchObject({ kind: 'response', status: 200 })
    expect(went).toEqual(sent)
    expect(rides).toEqual(told)
    for (const body of bodies) {
      expect(body).toEqual({ url: 'https://cdp.customer.io/v1/b', type: 'text/plain', authorization: null, writeKey: 'key' })
    }
  })
})
