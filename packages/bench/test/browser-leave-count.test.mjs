// The counting behind `bench:browser-leave`, as tables: what counts as delivered, as a copy, as a
// request, and as kept for a later page.
import { describe, expect, it } from 'vitest'
import { countDelivery, formatSpread, keptIds, keptUndelivered, spread } from '../src/browser-leave/count.mjs'

const message = (id, messageId = `m-${id}`) => ({ type: 'track', messageId, properties: { bench_id: id } })
const request = (ids, { path = '/v1/b', status = 200 } = {}) => ({ path, status, body: { batch: ids.map((id) => message(id)) } })

describe('countDelivery', () => {
  it.each([
    { name: 'nothing arrived', records: [], expected: { delivered: 0, copies: 0, requests: 0, otherRequests: 0 } },
    {
      name: 'two requests, distinct events',
      records: [request(['goto-0', 'goto-1']), request(['goto-2'])],
      expected: { delivered: 3, copies: 3, requests: 2, otherRequests: 0 },
    },
    {
      name: 'the same messageId twice is one delivery and two copies',
      records: [request(['goto-0']), request(['goto-0'])],
      expected: { delivered: 1, copies: 2, requests: 2, otherRequests: 0 },
    },
    {
      name: 'a request the collector refused delivers nothing but is still a request',
      records: [request(['goto-0'], { status: 400 }), request(['goto-1'])],
      expected: { delivered: 1, copies: 1, requests: 2, otherRequests: 0 },
    },
    {
      name: 'events of another prefix (before a bfcache trip) are not counted',
      records: [request(['before-0', 'goto-0', 'goto-10'])],
      expected: { delivered: 2, copies: 2, requests: 1, otherRequests: 0 },
    },
    {
      name: '/v1/batch counts as the batch route; other paths (an SDK metrics call) do not',
      records: [request(['goto-0'], { path: '/v1/batch' }), { path: '/v1/m', status: 404, body: {} }],
      expected: { delivered: 1, copies: 1, requests: 1, otherRequests: 1 },
    },
  ])('$name', ({ records, expected }) => {
    const { deliveredIds, ...counts } = countDelivery(records, 'goto')
    expect(counts).toEqual(expected)
    expect(deliveredIds.size).toBe(expected.delivered)
  })
})

describe('keptIds and keptUndelivered', () => {
  const storage = [
    JSON.stringify([{ id: 'c1', event: { properties: { bench_id: 'goto-3' } } }, { event: { properties: { bench_id: 'goto-4' } } }]),
    JSON.stringify({ messages: [{ properties: { bench_id: 'goto-4' } }, { properties: { bench_id: 'goto-40' } }] }),
    '"unrelated"',
    JSON.stringify({ properties: { bench_id: 'before-3' } }),
  ]

  it('finds each id once, across values and shapes, and only of the prefix', () => {
    expect([...keptIds(storage, 'goto')].sort()).toEqual(['goto-3', 'goto-4', 'goto-40'])
  })

  it.each([
    { delivered: [], expected: 3 },
    { delivered: ['goto-4'], expected: 2 },
    { delivered: ['goto-3', 'goto-4', 'goto-40', 'goto-5'], expected: 0 },
  ])('with $delivered delivered, $expected kept and not delivered', ({ delivered, expected }) => {
    expect(keptUndelivered(keptIds(storage, 'goto'), new Set(delivered))).toBe(expected)
  })
})

describe('spread and formatSpread', () => {
  it.each([
    { values: [], spread: undefined, text: '–' },
    { values: [50, 50, 50], spread: { min: 50, median: 50, max: 50 }, text: '50' },
    { values: [48, 4, 50, 48, 10], spread: { min: 4, median: 48, max: 50 }, text: '4–50 (median 48)' },
    { values: [1, 3], spread: { min: 1, median: 1, max: 3 }, text: '1–3 (median 1)' },
  ])('$values → $text', ({ values, spread: expected, text }) => {
    expect(spread(values)).toEqual(expected)
    expect(formatSpread(values)).toBe(text)
  })
})
