/**
 * The browser transport: the core's fetch transport (timeouts, close() aborts, every response body
 * read), sending what a page can send without a CORS preflight: `POST …/v1/b` with
 * `Content-Type: text/plain` and the write key in the JSON body, no `Authorization` header, as
 * Customer.io's own browser library does. A preflighted request is lost when the tab closes.
 *
 * Each request goes the way policy.ts decides: a keepalive fetch while this client's keepalive
 * bytes stay within the page's budget, a beacon where keepalive is missing and the page is hidden,
 * otherwise a plain fetch. The messages riding on a keepalive request or a beacon are recorded in
 * `riding`, so leaving the page keeps only the others for the next page.
 */
import { createFetchTransport, type Transport, type TransportResult, utf8Length } from '@cdp-analytics/core'
import { browserUrl, chooseRoute, MAX_BROWSER_BATCH_BYTES, withWriteKey } from './policy.js'

/** Shared by the transport and the client. */
export interface Riding {
  /** Bytes of this client's keepalive request bodies in flight. */
  bytes: number
  /** JSON of the messages on a keepalive request in flight or a beacon the browser took. */
  messages: Set<string>
}

const hidden = (): boolean => typeof document === 'object' && document.visibilityState === 'hidden'

export function createBrowserTransport(writeKey: string, riding: Riding): Transport {
  const plain = createFetchTransport()
  const kept = createFetchTransport({ fetch: (url, init) => fetch(url, { ...init, keepalive: true }) })
  // Firefox before 133 has neither the property nor the behaviour.
  const canKeepalive = typeof Request === 'function' && 'keepalive' in Request.prototype
  return {
    // The body also carries `,"writeKey":"…"`: count it, so a request never exceeds half the budget.
    maxBatchBytes: MAX_BROWSER_BATCH_BYTES - (utf8Length(withWriteKey('{}', writeKey)) - 2),
    async send(request): Promise<TransportResult> {
      const body = withWriteKey(request.body as string, writeKey)
      const bytes = utf8Length(body)
      const headers: Record<string, string> = { ...request.headers, 'Content-Type': 'text/plain' }
      delete headers.Authorization
      const req = { ...request, url: browserUrl(request.url), headers, body }
      const jsons = request.messages?.map((message) => message.json) ?? []
      const route = chooseRoute({ bytes, inFlight: riding.bytes, keepalive: canKeepalive, hidden: hidden() })
      // A beacon has no answer: once the browser takes it (true), it is as sent as it will ever be.
      if (route === 'beacon' && navigator.sendBeacon(req.url, body)) {
        for (const json of jsons) riding.messages.add(json)
        return { kind: 'response', status: 200 }
      }
      if (route !== 'keepalive') return plain.send(req)
      riding.bytes += bytes
      for (const json of jsons) riding.messages.add(json)
      const result = await kept.send(req)
      riding.bytes -= bytes
      for (const json of jsons) riding.messages.delete(json)
      // The page's own keepalive requests share the budget, and crossing it fails the fetch at
      // once (TypeError, no request made). Send it again plainly now rather than after a backoff;
      // a real network error fails that one too and the core retries as usual.
      if (result.kind === 'network-error' && !result.timedOut && !result.aborted) return plain.send(req)
      return result
    },
  }
}
