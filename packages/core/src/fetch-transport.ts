/**
 * A Transport over the platform's fetch, for runtimes without Node (workerd, edge-runtime,
 * Deno, Bun, browsers). `fetch` is looked up at call time so tests and polyfills can replace it.
 */
import type { Transport, TransportRequest, TransportResult } from './transport.js'

export interface FetchTransportOptions {
  fetch?: typeof fetch
}

/** How much of an error response to keep for the error message. */
const DETAIL_CHARS = 500

export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResult> {
      const timeout = AbortSignal.timeout(request.timeout)
      const signal = anySignal([request.signal, timeout])
      try {
        const fetchFn = options.fetch ?? globalThis.fetch
        const response = await fetchFn(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          signal,
          // A redirect would re-send the write key elsewhere; retry-policy.ts reports it instead.
          redirect: 'manual',
        })
        return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after'), ...(await readDetail(response)) }
      } catch (error) {
        return { kind: 'network-error', error, timedOut: timeout.aborted, aborted: request.signal.aborted }
      }
    },
  }
}

/**
 * Always consume or cancel the body: an unread body holds the connection (and in Workers
 * counts against the request). Error bodies are kept short for the error message.
 */
export async function readDetail(response: Response): Promise<{ detail?: string }> {
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined)
    return {}
  }
  try {
    const text = (await response.text()).trim()
    return text ? { detail: text.slice(0, DETAIL_CHARS) } : {}
  } catch {
    return {}
  }
}

/** AbortSignal.any where it exists (Node 20.3+, workerd); a small fallback elsewhere. */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals)
  const controller = new AbortController()
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  return controller.signal
}
