// `compress: true` in the core (every client and transport): bodies of MIN_COMPRESS_BYTES and more
// are gzipped once per attempt with Content-Encoding: gzip; byte accounting stays on the JSON.
import { describe, expect, it } from 'vitest'
import { gunzipText } from '../src/compress.js'
import type { RequestInfo } from '../src/deliver.js'
import { MemoryTransport } from '../src/memory-transport.js'
import { makeClient } from './helpers/client.js'

async function sendOne(options: { compress?: boolean }, textLength: number) {
  const transport = new MemoryTransport()
  const seen: { body: string | Uint8Array; headers: Record<string, string> }[] = []
  const spy = {
    send: (request: Parameters<MemoryTransport['send']>[0]) => {
      seen.push({ body: request.body, headers: request.headers })
      return transport.send(request)
    },
  }
  const { client } = makeClient({ flushAt: 1, ...options }, spy)
  const requests: RequestInfo[] = []
  client.on('request', (info) => requests.push(info))
  client.track({ userId: 'u-1', event: 'e', properties: { text: 'é'.repeat(textLength) } })
  await client.flush()
  return { recorded: transport.requests[0]!, sent: seen[0]!, info: requests[0]! }
}

describe('compress', () => {
  it.each([
    ['compress: true, a large body', { compress: true }, 2000, true],
    ['compress: true, a body under the threshold', { compress: true }, 10, false],
    ['compress left out (default false), a large body', {}, 2000, false],
  ] as const)('%s', async (_name, options, textLength, gzipped) => {
    const { recorded, sent, info } = await sendOne(options, textLength)
    expect(typeof sent.body === 'string').toBe(!gzipped)
    expect(sent.headers['Content-Encoding']).toBe(gzipped ? 'gzip' : undefined)
    expect(recorded.gzipped).toBe(gzipped)
    // MemoryTransport records the JSON the API would decode, gzipped or not.
    expect(recorded.body.batch[0]!.properties).toEqual({ text: 'é'.repeat(textLength) })
    // Byte accounting is on the uncompressed JSON.
    expect(info.bytes).toBe(new TextEncoder().encode(recorded.raw).length)
    if (gzipped) {
      const bytes = sent.body as Uint8Array
      expect(bytes.length).toBeLessThan(info.bytes / 4)
      expect(await gunzipText(bytes)).toBe(recorded.raw)
    }
  })
})
