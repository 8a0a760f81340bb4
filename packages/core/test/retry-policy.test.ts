import { describe, expect, it } from 'vitest'
import {
  clientWidePause,
  decideAttempt,
  MAX_SPLIT_REQUESTS,
  parseRetryAfter,
  type RetrySettings,
  shouldSplit,
} from '../src/retry-policy.js'
import type { TransportResult } from '../src/transport.js'

const settings: RetrySettings = { maxRetries: 3, backoff: (retry) => 1000 * 2 ** (retry - 1), maxRetryDelay: 30_000 }
const NOW = Date.parse('2026-12-01T00:00:00Z')
const status = (code: number, retryAfter?: string): TransportResult => ({ kind: 'response', status: code, retryAfter })
const network = (timedOut = false, aborted = false): TransportResult => ({
  kind: 'network-error',
  error: new Error('ECONNRESET'),
  timedOut,
  aborted,
})

// random = 1 keeps the full backoff, so delays are exact: attempt 1 -> 1000 ms.
describe('decideAttempt: the retry table (README "Retry policy")', () => {
  it.each([
    ['200', status(200), 'delivered', undefined],
    ['204', status(204), 'delivered', undefined],
    ['301 redirect', status(301), 'fail:rejected', undefined],
    ['307 redirect', status(307), 'fail:rejected', undefined],
    ['400', status(400), 'fail:rejected', undefined],
    ['401', status(401), 'fail:rejected', undefined],
    ['403', status(403), 'fail:rejected', undefined],
    ['404', status(404), 'fail:rejected', undefined],
    ['408', status(408), 'retry', 1000],
    ['413', status(413), 'fail:rejected', undefined],
    ['429 without Retry-After', status(429), 'retry', 1000],
    ['429 Retry-After: 7 (seconds)', status(429, '7'), 'retry', 7000],
    ['429 Retry-After: HTTP-date 12 s ahead', status(429, new Date(NOW + 12_000).toUTCString()), 'retry', 12_000],
    ['429 Retry-After: 3600 is capped', status(429, '3600'), 'retry', 30_000],
    ['429 Retry-After shorter than backoff', status(429, '0'), 'retry', 1000],
    ['429 Retry-After garbage', status(429, 'soon'), 'retry', 1000],
    ['500', status(500), 'retry', 1000],
    ['501', status(501), 'fail:rejected', undefined],
    ['502', status(502), 'retry', 1000],
    ['503 Retry-After: 2', status(503, '2'), 'retry', 2000],
    ['504', status(504), 'retry', 1000],
    ['505', status(505), 'fail:rejected', undefined],
    ['599', status(599), 'retry', 1000],
    ['connection reset', network(), 'retry', 1000],
    ['timeout', network(true), 'retry', 1000],
    ['aborted by close deadline', network(false, true), 'fail:deadline', undefined],
    [
      "the transport's store is full",
      { kind: 'full', detail: 'stream at maxStreamLength' } as TransportResult,
      'fail:queue_full',
      undefined,
    ],
  ])('%s -> %s', (_name, result, expected, delay) => {
    const outcome = decideAttempt(result, 1, settings, NOW, 1)
    const action = outcome.action === 'fail' ? `fail:${outcome.reason}` : outcome.action
    expect(action).toBe(expected)
    if (outcome.action === 'retry') expect(outcome.delay).toBe(delay)
  })

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
  ])('backoff grows: retry %i waits %i ms', (attempt, delay) => {
    expect(decideAttempt(status(503), attempt, settings, NOW, 1)).toMatchObject({ action: 'retry', delay })
  })

  it('gives up after maxRetries retries', () => {
    expect(decideAttempt(status(503), 4, settings, NOW, 1)).toMatchObject({ action: 'fail', reason: 'retries_exhausted' })
    expect(decideAttempt(network(true), 4, settings, NOW, 1)).toMatchObject({ action: 'fail', reason: 'retries_exhausted' })
  })

  it('jitter keeps at least half the backoff', () => {
    expect(decideAttempt(status(500), 1, settings, NOW, 0)).toMatchObject({ delay: 500 })
    expect(decideAttempt(status(500), 1, settings, NOW, 0.5)).toMatchObject({ delay: 750 })
  })

  it('a failure names the status, a hint and the server detail', () => {
    const outcome = decideAttempt({ kind: 'response', status: 400, detail: '{"meta":{"errors":["bad"]}}' }, 1, settings, NOW, 1)
    expect(outcome).toMatchObject({ action: 'fail', detail: 'HTTP 400 (the API refused the body): {"meta":{"errors":["bad"]}}' })
  })

  it.each([
    [401, /HTTP 401 \(check writeKey\)/],
    [403, /HTTP 403 \(writeKey not allowed here\)/],
    [404, /HTTP 404 \(check endpoint: base URL only\)/],
    [413, /HTTP 413 \(body over the API limit\)/],
    [418, /^HTTP 418$/],
  ])('HTTP %i with an empty body still says what to check', (code, detail) => {
    const outcome = decideAttempt(status(code), 1, settings, NOW, 1)
    expect(outcome).toMatchObject({ action: 'fail', reason: 'rejected' })
    expect((outcome as { detail: string }).detail).toMatch(detail)
  })
})

describe('network errors without a runtime reader: the message alone, always retried', () => {
  // What a page or a worker sees; the Node client passes its undici reader (node/test/network-error.test.ts).
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause })
  const failure = (error: unknown): TransportResult => ({ kind: 'network-error', error, timedOut: false })
  it.each([
    ["a browser's failed fetch", new TypeError('Failed to fetch'), 'network error: Failed to fetch'],
    ["undici's bad port, unread: retried", fetchFailed(new Error('bad port')), 'network error: fetch failed'],
    ['a thrown string', 'boom', 'network error: boom'],
  ])('%s', (_name, error, detail) => {
    expect(decideAttempt(failure(error), 1, settings, NOW, 1)).toEqual({ action: 'retry', delay: 1000, detail })
  })

  it("uses the runtime's reader when given, and fails at once what it calls permanent", () => {
    const describeNetworkError = (error: unknown) => ({ text: `read ${String(error)}`, permanent: true })
    expect(decideAttempt(failure('x'), 1, { ...settings, describeNetworkError }, NOW, 1)).toEqual({
      action: 'fail',
      reason: 'rejected',
      detail: 'network error: read x (fetch refuses it: check endpoint)',
    })
  })
})

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['5', 5000],
    [' 10 ', 10_000],
    ['-3', undefined],
    ['1.5', undefined],
    [new Date(NOW + 4000).toUTCString(), 4000],
    [new Date(NOW - 4000).toUTCString(), 0],
    ['not a date', undefined],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected)
  })
})

describe('shouldSplit: which refusals go again in halves to isolate the refused messages (issue 19)', () => {
  it.each([
    ['400 on 2 messages', 400, 2, 0, true],
    ['400 on 1,000 messages', 400, 1000, 0, true],
    ['413 on 10 messages (a proxy with a lower body limit)', 413, 10, 0, true],
    ['400 on 1 message: it is the refused one', 400, 1, 0, false],
    ['401: the key, not a message', 401, 10, 0, false],
    ['403', 403, 10, 0, false],
    ['404', 404, 10, 0, false],
    ['422: not a status the API uses for a body', 422, 10, 0, false],
    ['500: retried, not split', 500, 10, 0, false],
    ['400 with the last two requests of the budget left', 400, 10, MAX_SPLIT_REQUESTS - 2, true],
    ['400 with the budget spent', 400, 10, MAX_SPLIT_REQUESTS - 1, false],
  ])('%s -> %s', (_name, status, count, spent, split) => {
    expect(shouldSplit(status, count, spent)).toBe(split)
  })
})

describe('clientWidePause: which failures hold every request of the client', () => {
  it.each([
    ['429 Retry-After: 7', status(429, '7'), 7000],
    ['429 without Retry-After: its backoff', status(429), 1000],
    ['503 Retry-After: 2', status(503, '2'), 2000],
    ['503 without Retry-After: that batch only', status(503), 0],
    ['500 Retry-After: 2: that batch only', status(500, '2'), 0],
    ['a network error', network(), 0],
    ['200', status(200), 0],
    ['400', status(400), 0],
  ])('%s -> %i ms', (_name, result, pause) => {
    expect(clientWidePause(result, decideAttempt(result, 1, settings, NOW, 1))).toBe(pause)
    // The same on a batch's last attempt (issue 22): the limit holds the client whether or not this batch retries.
    const last = decideAttempt(result, 1, { ...settings, maxRetries: 0 }, NOW, 1)
    expect(last.action).not.toBe('retry')
    expect(clientWidePause(result, last)).toBe(pause)
  })
})
