/**
 * Request-body gzip for every client and transport (`compress: true`): the core encodes the body
 * once per attempt and sends `Content-Encoding: gzip`, so transports only move bytes. Uses the
 * Compression Streams API, which Node 20+, workerd, Deno, Bun and browsers have; where it is
 * missing (edge-runtime), bodies go plain.
 */

/**
 * Bodies shorter than this (in characters) go plain even with `compress`: gzip's framing would eat
 * most of the saving, and a one-event request is the common case on the edge.
 */
export const MIN_COMPRESS_BYTES = 1024

/** Whether this runtime can gzip a body. */
export function canCompress(): boolean {
  return typeof CompressionStream === 'function'
}

/** Gzips text with the Compression Streams API. */
export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Response(text).body!.pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** Un-gzips a body back to text (MemoryTransport records what the API would decode). */
export async function gunzipText(bytes: Uint8Array): Promise<string> {
  const stream = new Response(bytes as BodyInit).body!.pipeThrough(new DecompressionStream('gzip'))
  return new Response(stream).text()
}

/**
 * The body and headers of one attempt with `compress` on: gzipped when the body is large enough
 * and the runtime can; otherwise as they were. Never rejects: a failed gzip sends plain.
 */
export async function encodeBody(
  body: string,
  headers: Record<string, string>,
): Promise<{ body: string | Uint8Array; headers: Record<string, string> }> {
  if (body.length < MIN_COMPRESS_BYTES || !canCompress()) return { body, headers }
  try {
    return { body: await gzip(body), headers: { ...headers, 'Content-Encoding': 'gzip' } }
  } catch {
    return { body, headers }
  }
}

/** A request body as text: decoded from UTF-8, and un-gzipped when its headers say gzip. */
export async function bodyText(body: string | Uint8Array, headers: Record<string, string>): Promise<string> {
  if (typeof body === 'string') return body
  const gzipped = Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'content-encoding' && /gzip/i.test(value))
  return gzipped ? gunzipText(body) : new TextDecoder().decode(body)
}
