// The Node client reads what undici hides in a network error's `cause` (network-error.ts), which the
// core's retry policy takes as `describeNetworkError`; a page or a worker reads the message alone.
import { decideAttempt, type RetrySettings, type TransportResult } from '@cdp-analytics/core'
import { describe, expect, it } from 'vitest'
import { describeNetworkError } from '../src/network-error.js'

const settings: RetrySettings = { maxRetries: 3, backoff: (retry) => 1000 * 2 ** (retry - 1), maxRetryDelay: 30_000, describeNetworkError }
const NOW = Date.parse('2026-12-01T00:00:00Z')

describe('network errors keep what fetch hides in cause', () => {
  const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause })
  const failure = (error: unknown): TransportResult => ({ kind: 'network-error', error, timedOut: false })
  it.each([
    [
      'a refused connection: retried, with its code',
      fetchFailed(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })),
      'retry',
      'network error: fetch failed (ECONNREFUSED)',
    ],
    [
      'a DNS failure: retried',
      fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })),
      'retry',
      'network error: fetch failed (ENOTFOUND)',
    ],
    [
      "undici's bad port: rejected at once",
      fetchFailed(new Error('bad port')),
      'fail:rejected',
      'network error: fetch failed (bad port) (fetch refuses it: check endpoint)',
    ],
    [
      'an unknown scheme: rejected at once',
      fetchFailed(new Error('unknown scheme')),
      'fail:rejected',
      'network error: fetch failed (unknown scheme) (fetch refuses it: check endpoint)',
    ],
    ['an error without a cause', new Error('socket hang up'), 'retry', 'network error: socket hang up'],
    ['a thrown string', 'boom', 'retry', 'network error: boom'],
  ])('%s', (_name, error, expected, detail) => {
    const outcome = decideAttempt(failure(error), 1, settings, NOW, 1)
    expect(outcome.action === 'fail' ? `fail:${outcome.reason}` : outcome.action).toBe(expected)
    expect((outcome as { detail: string }).detail).toBe(detail)
  })
})
