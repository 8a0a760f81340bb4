/**
 * The edge transport: the core's fetch transport (manual redirects, every response body consumed
 * or cancelled), with optional gzip through the platform's CompressionStream. The edge client
 * itself gzips through the core's `compress` option (the body reaches this transport as bytes);
 * this option is for a transport used on its own.
 */
import { createFetchTransport, gzip, MIN_COMPRESS_BYTES, type Transport } from '@cdp-analytics/core'

export { MIN_COMPRESS_BYTES }

export interface EdgeTransportOptions {
  /** Gzip request bodies where `CompressionStream` exists; send them plain elsewhere. @default false */
  compress?: boolean
}

export function createEdgeTransport(options: EdgeTransportOptions = {}): Transport {
  if (!options.compress) return createFetchTransport()
  return createFetchTransport({ fetch: gzipFetch })
}

/** `fetch`, looked up at call time, with a string body gzipped when that is possible and worth it. */
const gzipFetch: typeof fetch = async (input, init) => {
  const body = init?.body
  if (typeof body === 'string' && body.length >= MIN_COMPRESS_BYTES && typeof CompressionStream === 'function') {
    const compressed = await gzip(body).catch(() => undefined)
    if (compressed) {
      // The collector and the API both accept Content-Encoding: gzip on /v1/batch.
      init = {
        ...init,
        body: compressed as BodyInit,
        headers: { ...(init!.headers as Record<string, string>), 'Content-Encoding': 'gzip' },
      }
    }
  }
  return globalThis.fetch(input, init)
}
