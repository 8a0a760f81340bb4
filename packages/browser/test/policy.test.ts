// The browser's delivery decisions as tables (policy.ts): which way a request goes within the
// keepalive budget, what the body and URL look like, what is kept for the next page.
import { describe, expect, it } from 'vitest'
import {
  browserUrl,
  chooseRoute,
  KEEPALIVE_BUDGET_BYTES,
  MAX_BROWSER_BATCH_BYTES,
  PERSIST_MAX_BYTES,
  type RouteInput,
  toPersist,
  withWriteKey,
} from '../src/policy.js'

describe('chooseRoute: keepalive while this client stays within the page budget', () => {
  const visible = { keepalive: true, hidden: false, leaving: false, headers: false }
  it.each<[string, RouteInput, string]>([
    ['nothing in flight', { bytes: 20_000, inFlight: 0, ...visible }, 'keepalive'],
    ['fills the budget exactly', { bytes: 5_536, inFlight: 60_000, ...visible }, 'keepalive'],
    ['one byte over the budget (Chromium fails 65,537)', { bytes: 5_537, inFlight: 60_000, ...visible }, 'fetch'],
    [
      'two half-budget batches ride at once',
      { bytes: MAX_BROWSER_BATCH_BYTES, inFlight: MAX_BROWSER_BATCH_BYTES, ...visible },
      'keepalive',
    ],
    ['a third does not', { bytes: 1, inFlight: KEEPALIVE_BUDGET_BYTES, ...visible }, 'fetch'],
    ['hidden, within the budget', { bytes: 1_000, inFlight: 0, ...visible, hidden: true }, 'keepalive'],
    ['no keepalive, visible: a fetch, whose answer counts', { bytes: 1_000, inFlight: 0, ...visible, keepalive: false }, 'fetch'],
    ['no keepalive, hidden: a beacon', { bytes: 1_000, inFlight: 0, ...visible, keepalive: false, hidden: true }, 'beacon'],
    [
      'no keepalive, hidden, over the budget: a beacon would fail too',
      { bytes: 10_000, inFlight: 60_000, ...visible, keepalive: false, hidden: true },
      'fetch',
    ],
    // pagehide fires while the page is still visible, before visibilitychange.
    ['pagehide fired: a beacon, whose answer is at once', { bytes: 1_000, inFlight: 0, ...visible, leaving: true }, 'beacon'],
    ['pagehide fired, no keepalive either: a beacon', { bytes: 1_000, inFlight: 0, ...visible, keepalive: false, leaving: true }, 'beacon'],
    ['pagehide fired, over the budget: a plain fetch (kept)', { bytes: 10_000, inFlight: 60_000, ...visible, leaving: true }, 'fetch'],
    // A beacon cannot carry the user's headers (a proxy's, X-Strict-Mode): never one for such a request.
    [
      'pagehide fired, with headers: a keepalive fetch',
      { bytes: 1_000, inFlight: 0, ...visible, leaving: true, headers: true },
      'keepalive',
    ],
    [
      'no keepalive, hidden, with headers: a plain fetch',
      { bytes: 1_000, inFlight: 0, ...visible, keepalive: false, hidden: true, headers: true },
      'fetch',
    ],
  ])('%s', (_name, input, route) => {
    expect(chooseRoute(input)).toBe(route)
  })
})

describe('the wire form of Customer.io browser library', () => {
  it.each([
    [
      '{"batch":[{"a":1}],"sentAt":"2026-01-01T00:00:00.000Z"}',
      'key',
      '{"batch":[{"a":1}],"sentAt":"2026-01-01T00:00:00.000Z","writeKey":"key"}',
    ],
    ['{"batch":[],"sentAt":"x"}', 'k"ey\\', '{"batch":[],"sentAt":"x","writeKey":"k\\"ey\\\\"}'],
  ])('withWriteKey(%s, %s) is valid JSON with the key in it', (body, key, expected) => {
    expect(withWriteKey(body, key)).toBe(expected)
    expect(JSON.parse(withWriteKey(body, key)).writeKey).toBe(key)
  })

  it.each([
    ['https://cdp.customer.io/v1/batch', 'https://cdp.customer.io/v1/b'],
    ['https://cdp-eu.customer.io/v1/batch', 'https://cdp-eu.customer.io/v1/b'],
    ['https://proxy.example.com/cdp/v1/batch', 'https://proxy.example.com/cdp/v1/b'],
  ])('browserUrl(%s) = %s', (url, expected) => {
    expect(browserUrl(url)).toBe(expected)
  })
})

describe('toPersist: what the next page gets', () => {
  const m = (id: string, size = 10) => `{"id":"${id}"${' '.repeat(Math.max(0, size - 10))}}`
  it.each([
    { name: 'nothing pending', pending: [], riding: [], max: PERSIST_MAX_BYTES, keep: [], dropped: 0 },
    {
      name: 'everything riding on keepalive',
      pending: [m('a'), m('b')],
      riding: [m('a'), m('b')],
      max: PERSIST_MAX_BYTES,
      keep: [],
      dropped: 0,
    },
    {
      name: 'the ones not riding, in call order',
      pending: [m('a'), m('b'), m('c')],
      riding: [m('b')],
      max: PERSIST_MAX_BYTES,
      keep: [m('a'), m('c')],
      dropped: 0,
    },
    {
      name: 'the oldest first, up to the bound',
      pending: [m('a', 40), m('b', 40), m('c', 40)],
      riding: [],
      max: 100,
      keep: [m('a', 40), m('b', 40)],
      dropped: 1,
    },
    {
      name: 'a smaller later one still fits',
      pending: [m('a', 60), m('b', 60), m('c', 30)],
      riding: [],
      max: 100,
      keep: [m('a', 60), m('c', 30)],
      dropped: 1,
    },
  ])('$name', ({ pending, riding, max, keep, dropped }) => {
    expect(toPersist(pending, new Set(riding), max)).toEqual({ keep, dropped })
  })
})
