/**
 * A Transport over the platform's fetch, for runtimes without Node (workerd, edge-runtime,
 * Deno, Bun, browsers). `fetch` is looked up at call time so tests and polyfills can replace it.
 */
import type { Transport, TransportRequest, TransportResult } from './transport.js'

export interface FetchTransportOptions {
  /** The fetch to call; looked up at call time when left out. @default globalThis.fetch */
  fetch?: typeof fetch
}

/** How much of an error response to keep for the error message. */
export const DETAIL_CHARS = 500

/** How a transport reads a response's body: to its end, keeping the start of an error body. */
export type BodyReader = (response: Response, signal: AbortSignal) => Promise<{ detail?: string }>

/**
 * `readBody` is the runtime's choice, not an option: the ky transport, and the Node fetch transport
 * given a `fetch` of yours, pass `readDetailUntilAborted`; a fetch that takes our signal as it is (a
 * page's, a worker's, Node's own) needs only `readDetail`.
 */
export function createFetchTransport(options: FetchTransportOptions = {}, readBody: BodyReader = readDetail): Transport {
  return {
    async send(request: TransportRequest): Promise<TransportResult> {
      // One signal per attempt, aborted by the timeout or by close()'s deadline. A timer and a
      // listener cost far less than AbortSignal.timeout plus AbortSignal.any per request, which
      // profiled at ~70 µs of CPU per send in Node (makeTransferable, DOMException).
      const controller = new AbortController()
      let timedOut = false
      const onClose = () => controller.abort(request.signal.reason)
      if (request.signal.aborted) onClose()
      else request.signal.addEventListener('abort', onClose)
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort(new Error(`request timed out after ${request.timeout} ms`))
      }, request.timeout)
      try {
        const fetchFn = options.fetch ?? globalThis.fetch
        const response = await fetchFn(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body as BodyInit,
          signal: controller.signal,
          // A redirect would re-send the write key elsewhere; retry-policy.ts reports it instead.
          redirect: 'manual',
        })
        // The timeout also bounds reading the body: a server that stalls after its headers
        // cannot hold a request slot.
        return {
          kind: 'response',
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          ...(await readBody(response, controller.signal)),
        }
      } catch (error) {
        return { kind: 'network-error', error, timedOut, aborted: request.signal.aborted }
      } finally {
        clearTimeout(timer)
        request.signal.removeEventListener('abort', onClose)
      }
    },
  }
}

/**
 * Always read the body to its end: an unread body holds the connection (and in Workers counts
 * against the request). The API answers `{}`, so reading it is cheaper than cancelling the
 * stream. Error bodies are kept short for the error message.
 */
export async function readDetail(response: Response): Promise<{ detail?: string }> {
  try {
    if (response.ok) {
      await response.arrayBuffer()
      return {}
    }
    const text = (await response.text()).trim()
    return text ? { detail: text.slice(0, DETAIL_CHARS) } : {}
  } catch {
    return {}
  }
}
