/**
 * The browser's delivery decisions, as pure functions (tested as tables in test/policy.test.ts).
 *
 * Chromium lets a page have at most 64 KiB of keepalive request bodies in flight, shared by every
 * `fetch(..., { keepalive: true })` and `navigator.sendBeacon()` of the page; one byte more fails
 * (`TypeError: Failed to fetch`, and `sendBeacon` returns `false`). Only a keepalive request (or a
 * beacon) outlives the page, so the client counts its own keepalive bytes in flight and never
 * starts one that would cross the budget: it sends a plain fetch instead, and leaving the page
 * writes those messages to localStorage for the next page (issue 21).
 */

/** Chromium's keepalive budget per page, in bytes of request body (the Fetch standard's 64 KiB). */
export const KEEPALIVE_BUDGET_BYTES = 65_536

/**
 * Largest request body the browser client cuts, in bytes: half the keepalive budget, so two
 * requests ride at once and a batch never needs more than the budget. A message alone (up to the
 * API's 32,000 bytes) still goes out alone.
 */
export const MAX_BROWSER_BATCH_BYTES = 32_768

/** Most bytes of message JSON written to localStorage when the page goes (about 5 MB is all an origin has). */
export const PERSIST_MAX_BYTES = 1_000_000

/** How one request goes out. */
export type Route = 'keepalive' | 'beacon' | 'fetch'

export interface RouteInput {
  /** Bytes of the request body. */
  bytes: number
  /** Bytes of this client's keepalive requests in flight. */
  inFlight: number
  /** `fetch` supports `keepalive` (Chromium, Safari, Firefox 133+). */
  keepalive: boolean
  /** The page is hidden: it may be gone before a response comes back. */
  hidden: boolean
  /** `pagehide` fired: the page is going (or frozen into the back/forward cache). */
  leaving: boolean
  /** The request carries headers of the user's (`headers`, `strictMode`), which a beacon cannot. */
  headers: boolean
}

/**
 * Within the budget, a keepalive fetch: it outlives the page, and its answer still counts while
 * the page lives. A beacon, which outlives the page too but never gets an answer, where keepalive
 * is missing once the page is hidden, and in any browser once `pagehide` fired: `sendBeacon()`
 * says at once whether the browser took the request, while a keepalive fetch refused for the
 * page's budget (taken by the page's own keepalive requests) fails only a task later, when the
 * page may be gone and its messages neither sent nor kept. Otherwise a plain fetch. A beacon has
 * no headers: a request with the user's own headers never takes it.
 */
export function chooseRoute({ bytes, inFlight, keepalive, hidden, leaving, headers }: RouteInput): Route {
  if (inFlight + bytes > KEEPALIVE_BUDGET_BYTES) return 'fetch'
  if (!headers && (leaving || (hidden && !keepalive))) return 'beacon'
  return keepalive ? 'keepalive' : 'fetch'
}

/**
 * The core's body `{"batch":[...],"sentAt":"..."}` with the write key in it, as Customer.io's
 * browser library sends it: the key in the body instead of an `Authorization` header, which would
 * cost a CORS preflight per request and a lost request on tab close.
 */
export function withWriteKey(body: string, writeKey: string): string {
  return `${body.slice(0, -1)},"writeKey":${JSON.stringify(writeKey)}}`
}

/** The core's `…/v1/batch` URL as the browser endpoint `…/v1/b` (Customer.io's browser library's path). */
export function browserUrl(url: string): string {
  return url.replace(/\/batch$/, '/b')
}

/**
 * What to keep for the next page: the messages without an outcome (`pending`, in call order) that
 * ride on no keepalive request, the oldest first, up to `maxBytes` of JSON.
 * Returns the JSON texts kept and how many did not fit.
 */
export function toPersist(
  pending: Iterable<string>,
  riding: ReadonlySet<string>,
  maxBytes = PERSIST_MAX_BYTES,
): { keep: string[]; dropped: number } {
  const keep: string[] = []
  let bytes = 0
  let dropped = 0
  for (const json of pending) {
    if (riding.has(json)) continue
    // Characters, not UTF-8 bytes: storage quotas count UTF-16 code units.
    if (bytes + json.length > maxBytes) dropped++
    else {
      keep.push(json)
      bytes += json.length
    }
  }
  return { keep, dropped }
}
