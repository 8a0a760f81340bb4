/**
 * The edge transport: the core's fetch transport (manual redirects, every response body consumed
 * or cancelled), with optional gzip through the platform's CompressionStream. The edge client
 * itself gzips through the core's `compress` option (the body reaches this transport as bytes);
 * this option is for a transport used on its own.
 */
import { createFetchTransport, encodeBody, MIN_COMPRESS_BYTES, type Transport } from '@cdp-analytics/core'

export { MIN_COMPRESS_BYTES }

export interface EdgeTransportOptions {
  /** Gzip request bodies where `CompressionStream` exists; send them plain elsewhere. @default false */
  compress?: boolean
}

export function createEdgeTransport(options: EdgeTransportOptions = {}): Transport {
  const plain = createFetchTransport()
  if (!options.compress) return plain
  // The same encoding as the core's `compress` option; a body already gzipped passes as it is.
  return {
    send: async (request) =>
      plain.send(typeof request.body === 'string' ? { ...request, ...(await encodeBody(request.body, request.headers)) } : request),
  }
}
