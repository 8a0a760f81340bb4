/**
 * Size accounting, as pure functions. The API answers 200 yet silently drops a message over
 * 32 KB or a request over 500 KB (pipelines-api.md §5), so the client must never send one.
 * KB is not defined there; 32,000 and 500,000 bytes are the safe reading.
 */

export const MAX_MESSAGE_BYTES = 32_000
export const MAX_BATCH_BYTES = 500_000

/** Any UTF-16 unit outside ASCII; without one, UTF-8 bytes equal UTF-16 units. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, control characters included
const NON_ASCII = /[^\x00-\x7f]/

/** UTF-8 length of a string without allocating (TextEncoder would copy the whole string). */
export function utf8Length(text: string): number {
  // Fast path: the native regex scan is about 3× faster than the loop below on ASCII JSON,
  // which most messages are (bench: 854 -> 274 ns for a 624-character message).
  if (!NON_ASCII.test(text)) return text.length
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) {
      bytes += 1
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes.
      bytes += 2
      i++
    } else {
      // The rest of the BMP, and lone surrogates (encoded as U+FFFD), take 3 bytes.
      bytes += 2
    }
  }
  return bytes
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** A `sentAt` value as sent, for example `2026-12-01T04:07:40.000Z`. */
export const SENT_AT_LENGTH = 24

/** `{"batch":[` + `],"sentAt":"` + sentAt + `"}`: see encodeBatchBody in batch.ts. */
export const BATCH_ENVELOPE_BYTES = 10 + 12 + SENT_AT_LENGTH + 2

/** Bytes of a request body carrying `count` messages whose JSON adds up to `messageBytes`. */
export function batchBodyBytes(messageBytes: number, count: number): number {
  const commas = count > 0 ? count - 1 : 0
  return BATCH_ENVELOPE_BYTES + messageBytes + commas
}

/**
 * Whether one more message of `nextBytes` fits into a batch already holding `count` messages
 * of `messageBytes` in all, under the request limit. An empty batch always takes a message
 * that passed the per-message check, since that limit is far below the request limit.
 */
export function fitsInBatch(messageBytes: number, count: number, nextBytes: number, maxBatchBytes: number): boolean {
  if (count === 0) return true
  return batchBodyBytes(messageBytes + nextBytes, count + 1) <= maxBatchBytes
}
