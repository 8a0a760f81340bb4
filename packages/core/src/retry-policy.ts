/**
 * What to do after one attempt, as pure functions of the attempt's result, so the whole
 * policy is one table of cases (see test/retry-policy.test.ts and the README's table).
 */
import type { TransportResult } from './transport.js'

export type AttemptOutcome =
  | { action: 'delivered' }
  | { action: 'retry'; delay: number; detail: string }
  | {
      action: 'fail'
      reason: 'rejected' | 'retries_exhausted' | 'deadline' | 'queue_full'
      detail: string
      /** With `retries_exhausted`: what one more retry would have waited (a rate limit still holds the client that long). */
      delay?: number
    }

export interface RetrySettings {
  maxRetries: number
  /** Delay before retry number `retry` (1-based), before jitter and the cap. */
  backoff: (retry: number) => number
  /** Upper bound for any wait, including one a server asks for with `Retry-After`. */
  maxRetryDelay: number
  /**
   * How a network error reads, and whether a retry can fix it: the Node client's
   * `describeNetworkError` (undici's cause codes, `Runtime.describeNetworkError`).
   * @default its message; always retried
   */
  describeNetworkError?: (error: unknown) => NetworkErrorReading
}

/** A network error as one line, and whether no retry can fix it. */
export interface NetworkErrorReading {
  text: string
  permanent: boolean
}

/** 501 Not Implemented and 505 HTTP Version Not Supported will not change on a retry. */
const PERMANENT_SERVER_ERRORS = new Set([501, 505])

/** What a refused status most likely means, for an error body that says nothing (or little). */
const STATUS_HINTS: Record<number, string> = {
  400: 'the API refused the body',
  401: 'check writeKey',
  403: 'writeKey not allowed here',
  404: 'check endpoint: base URL only',
  413: 'body over the API limit',
}

/** Whether a status is worth trying again: timeouts, rate limits and transient server errors. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true
  return status >= 500 && status <= 599 && !PERMANENT_SERVER_ERRORS.has(status)
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Returns undefined when absent or unreadable, so the ordinary backoff applies.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined
  const text = value.trim()
  if (text === '') return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP-date always names a month; Date.parse alone would read "-3" or "1.5" as dates.
  if (!/[A-Za-z]{3}/.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** Exponential backoff from 500 ms, doubling per retry (the cap is applied by the caller). */
export function defaultBackoff(retry: number): number {
  return 500 * 2 ** (retry - 1)
}

/**
 * "Equal jitter": keep half the delay and randomise the other half, so a fleet of clients
 * that failed together does not retry together, while each still waits a useful minimum.
 */
export function withJitter(delay: number, random: number): number {
  return Math.round(delay / 2 + (delay / 2) * random)
}

/**
 * Decide the outcome of attempt number `attempt` (1-based).
 * `random` is in [0, 1); pass Math.random() in production and a constant in tests.
 */
export function decideAttempt(
  result: TransportResult,
  attempt: number,
  settings: RetrySettings,
  now: number,
  random: number,
): AttemptOutcome {
  let detail: string
  let retryAfter: number | undefined
  if (result.kind === 'full') return { action: 'fail', reason: 'queue_full', detail: result.detail }
  if (result.kind === 'response') {
    const { status } = result
    if (status >= 200 && status < 300) return { action: 'delivered' }
    const hint = STATUS_HINTS[status]
    detail = `HTTP ${status}${hint ? ` (${hint})` : ''}${result.detail ? `: ${result.detail}` : ''}`
    if (status >= 300 && status < 400) {
      // fetch is told not to follow redirects: following one would re-send the write key to
      // another origin, or turn the POST into a GET. The endpoint option must be fixed instead.
      return { action: 'fail', reason: 'rejected', detail: `${detail} (redirect: set endpoint to the final URL)` }
    }
    if (!isRetryableStatus(status)) return { action: 'fail', reason: 'rejected', detail }
    retryAfter = parseRetryAfter(result.retryAfter, now)
  } else {
    if (result.aborted) return { action: 'fail', reason: 'deadline', detail: 'aborted by close() deadline' }
    if (result.timedOut) {
      detail = 'request timed out'
    } else {
      const { text, permanent } = (settings.describeNetworkError ?? networkErrorMessage)(result.error)
      detail = `network error: ${text}`
      if (permanent) return { action: 'fail', reason: 'rejected', detail: `${detail} (fetch refuses it: check endpoint)` }
    }
  }
  const backoff = withJitter(settings.backoff(attempt), random)
  const delay = Math.min(settings.maxRetryDelay, Math.max(backoff, retryAfter ?? 0))
  if (attempt > settings.maxRetries) {
    return { action: 'fail', reason: 'retries_exhausted', detail: `${detail} (after ${attempt} attempts)`, delay }
  }
  return { action: 'retry', delay, detail }
}

/** Most requests one batch may spend on halves to isolate the messages the API refused (issue 19). */
export const MAX_SPLIT_REQUESTS = 64

/**
 * Whether a batch the API refused for its body goes again as two halves, so that the messages it
 * refused fail alone and their neighbours are delivered: a 400 (a message the API cannot use) or a
 * 413 (a body over a proxy's limit) on more than one message, while the batch has spent fewer
 * than MAX_SPLIT_REQUESTS on halves. One bad message among n costs 2·⌈log2 n⌉ more requests (20
 * for 1,000); the budget bounds what a body the API refuses whole (every message bad) costs.
 */
export function shouldSplit(status: number, count: number, spent: number): boolean {
  return count > 1 && (status === 400 || status === 413) && spent + 2 <= MAX_SPLIT_REQUESTS
}

/**
 * How long a failed attempt pauses the whole client, not just its own batch: a 429 always (by its
 * `Retry-After`, or else by the backoff), a 503 only when it names a `Retry-After`. 0 otherwise.
 * A batch's last attempt pauses the client too: the server's limit holds whether or not that batch
 * is retried (issue 22).
 */
export function clientWidePause(result: TransportResult, outcome: AttemptOutcome): number {
  const delay = outcome.action === 'delivered' ? 0 : (outcome.delay ?? 0)
  if (delay === 0 || result.kind !== 'response') return 0
  if (result.status === 429) return delay
  if (result.status === 503 && parseRetryAfter(result.retryAfter, 0) !== undefined) return delay
  return 0
}

/**
 * A network error as its message, which a retry may fix: all a browser's or a worker's fetch tells
 * (`TypeError: Failed to fetch`, no cause). Node's undici hides more in `cause`, which the Node
 * client reads (`Runtime.describeNetworkError`).
 */
function networkErrorMessage(error: unknown): NetworkErrorReading {
  return { text: error instanceof Error ? error.message : String(error), permanent: false }
}
