/**
 * What undici (Node's fetch) hides in a network error's `cause`, for the core's retry policy
 * (`Runtime.describeNetworkError`, passed by the Node client and the Redis forwarder). A browser's or
 * a worker's fetch has no such cause, so the core reads only the message and a page or a worker
 * does not carry this (issue 21).
 */
import type { NetworkErrorReading } from '@cdp-analytics/core'

/**
 * Network failures that no retry can fix: fetch refuses the URL itself (undici's "bad port" for
 * ports such as 6000, "unknown scheme") before any connection is tried.
 */
const PERMANENT_NETWORK_ERRORS = /^(bad port|unknown scheme)$|ERR_INVALID_URL/

/**
 * A network error as one line, with what fetch hides in `cause` ("fetch failed" alone says
 * nothing): its code, or else its message. `permanent` when no retry can fix it.
 */
export function describeNetworkError(error: unknown): NetworkErrorReading {
  if (!(error instanceof Error)) return { text: String(error), permanent: false }
  const cause = (error as { cause?: { code?: unknown } }).cause
  const code = cause?.code == null ? undefined : String(cause.code)
  const causeText = cause instanceof Error ? cause.message : undefined
  const why = code ?? causeText
  const text = why && !error.message.includes(why) ? `${error.message} (${why})` : error.message
  return { text, permanent: PERMANENT_NETWORK_ERRORS.test(causeText ?? '') || PERMANENT_NETWORK_ERRORS.test(code ?? '') }
}
