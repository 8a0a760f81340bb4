/**
 * The edge transport: the core's fetch transport (manual redirects, every response body consumed
 * or cancelled), with optional gzip through the platform's CompressionStream.
 */
import { createFetchTransport, type Transport } from '@cdp-analytics/core'

export interface EdgeTransportOptions {
  /** Gzip request bodies where `CompressionStream` exists; send them plain elsewhere. @default false */
  compress?: boolean
}

/**
 * Bodies shorter than this (in characters) go plain even with `compress`: gzip's framing would eat most of
 * the saving, and a one-event request is the common case on the edge.
 */
export const MIN_COMPRESS_BYTES = 1024

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
      init = { ...init, body: compressed, headers: { ...(init!.headers as Record<string, string>), 'Content-Encoding': 'gzip' } }
    }
  }
  return globalThis.fetch(input, init)
}

/** Gzips text with the Compression Streams API (workerd, Deno, Bun, browsers; not edge-runtime). */
export async function gzip(text: string): Promise<ArrayBuffer> {
  const stream = new Response(text).body!.pipeThrough(new CompressionStream('gzip'))
  return new Response(stream).arrayBuffer()
}
