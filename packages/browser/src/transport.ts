/**
 * The browser transport: the core's fetch transport (timeouts, close() aborts, every response body
 * read), sending what a page can send without a CORS preflight: `POST …/v1/b` with
 * `Content-Type: text/plain` and the write key in the JSON body, no `Authorization` header, as
 * Customer.io's own browser library does. A preflighted request is lost when the tab closes.
 *
 * Each request goes the way policy.ts decides: a keepalive fetch while this client's keepalive
 * bytes stay within the page's budget, a beacon once `pagehide` fired (`leaving`) or where
 * keepalive is missing and the page is hidden, otherwise a plain fetch. `onRide` is told which
 * messages ride on a keepalive request in flight, so a hidden page keeps only the others for the
 * next page (keeper.ts).
 */
import { createFetchTransport, type Transport, type TransportResult, utf8Length } from '@cdp-analytics/core'
import { browserUrl, chooseRoute, MAX_BROWSER_BATCH_BYTES, withWriteKey } from './policy.js'

/** Told when messages (their JSON) start (`true`) and stop (`false`) riding on a keepalive request. */
export type RideListener = (jsons: readonly string[], riding: boolean) => void

const hidden = (): boolean => typeof document === 'object' && document.visibilityState === 'hidden'

export interface BrowserTransport extends Transport {
  /** Set by the client when `pagehide` fires, cleared when the page is shown again. */
  leaving: boolean
}

export function createBrowserTransport(writeKey: string, onRide?: RideListener): BrowserTransport {
  const plain = createFetchTransport()
  const kept = createFetchTransport({ fetch: (url, init) => fetch(url, { ...init, keepalive: true }) })
  // Firefox before 133 has neither the property nor the behaviour.
  const canKeepalive = typeof Request === 'function' && 'keepalive' in Request.prototype
  /** Bytes of this client's keepalive request bodies in flight. */
  let inFlight = 0
  const transport: BrowserTransport = {
    leaving: false,
    // The body also carries `,"writeKey":"…"`: count it, so a request never exceeds half the budget.
    maxBatchBytes: MAX_BROWSER_BATCH_BYTES - (utf8Length(withWriteKey('{}', writeKey)) - 2),
    async send(request): Promise<TransportResult> {
      const body = withWriteKey(request.body as string, writeKey)
      const bytes = utf8Length(body)
      const headers: Record<string, string> = { ...request.headers, 'Content-Type': 'text/plain' }
      delete headers.Authorization
      const req = { ...request, url: browserUrl(request.url), headers, body }
      const route = chooseRoute({
        bytes,
        inFlight,
        keepalive: canKeepalive,
        hidden: hidden(),
        leaving: transport.leaving,
        // Content-Type is the only header a beacon sends (text/plain for a string body).
        headers: Object.keys(headers).length > 1,
      })
      // A beacon has no answer: once the browser takes it (true), it is as sent as it will ever be.
      if (route === 'beacon' && navigator.sendBeacon(req.url, body)) return { kind: 'response', status: 200 }
      if (route !== 'keepalive') return plain.send(req)
      const jsons = onRide && request.messages ? request.messages.map((message) => message.json) : []
      inFlight += bytes
      const sending = kept.send(req)
      // A keepalive fetch the page's budget refuses fails a task later: only once that task has
      // passed does it ride, and until then its messages are kept like the others if the page hides.
      let riding = false
      const confirm =
        onRide &&
        setTimeout(() => {
          riding = true
          onRide(jsons, true)
        })
      const result = await sending
      clearTimeout(confirm)
      inFlight -= bytes
      // Not riding any more, whatever the answer: delivered ones are settled next, the others are
      // kept again if the page is hidden (a plain fetch below may be cancelled when the page goes).
      if (riding) onRide?.(jsons, false)
      // The page's own keepalive requests share the budget, and crossing it fails the fetch (a task
      // later: TypeError, and no request is made). That is a route the browser refused, not a delivery
      // that failed: send it plainly now, as chooseRoute does above the budget. A real network
      // error fails the plain fetch too, and the core retries that as usual.
      if (result.kind === 'network-error' && !result.timedOut && !result.aborted) return plain.send(req)
      return result
    },
  }
  return transport
}
