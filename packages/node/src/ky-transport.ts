/**
 * The Node transport: one POST through ky over Node's fetch (undici, keep-alive by default).
 * ky's own retries are off and HTTP errors are returned, not thrown: the core's retry policy
 * decides what a status means.
 */
import { anySignal, readDetail, type Transport, type TransportRequest, type TransportResult } from '@cdp-analytics/core'
import ky, { TimeoutError } from 'ky'

export function createKyTransport(): Transport {
  const client = ky.create({ retry: 0, throwHttpErrors: false, redirect: 'manual' })
  return {
    async send(request: TransportRequest): Promise<TransportResult> {
      // ky's timeout stops at the response headers; this one also bounds reading the body, so a
      // server that sends headers and then stalls cannot hold a request slot past `timeout`.
      const deadline = AbortSignal.timeout(request.timeout)
      try {
        const response = await client.post(request.url, {
          body: request.body,
          headers: request.headers,
          timeout: request.timeout,
          signal: anySignal([request.signal, deadline]),
        })
        return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after'), ...(await readDetail(response)) }
      } catch (error) {
        return { kind: 'network-error', error, timedOut: error instanceof TimeoutError || deadline.aborted, aborted: request.signal.aborted }
      }
    },
  }
}
