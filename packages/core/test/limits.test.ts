import { describe, expect, it } from 'vitest'
import { BATCH_ENVELOPE_BYTES, batchBodyBytes, fitsInBatch, utf8Length } from '../src/limits.js'
import { Batch } from '../src/batch.js'

describe('utf8Length matches TextEncoder', () => {
  it.each([
    ['', 0],
    ['ascii', 5],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['a😀b€é', 11],
    ['\ud800', 3], // lone high surrogate: encoded as U+FFFD
    ['\udc00x', 4], // lone low surrogate
    ['\ud83d\ud83d\ude00', 7], // lone high then a pair
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes)
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length)
  })
})

describe('batch byte accounting', () => {
  it('batchBodyBytes equals the bytes of the body actually built', () => {
    const messages = ['{"a":1}', '{"b":"ü"}', '{"c":"😀"}']
    for (let count = 1; count <= messages.length; count++) {
      // A fresh batch per size: a batch joins its messages once, on its first body().
      const batch = new Batch()
      for (const json of messages.slice(0, count)) batch.add({ json, bytes: utf8Length(json), message: {} as never, callback: undefined })
      expect(new TextEncoder().encode(batch.body(new Date(0).toISOString())).length).toBe(batch.bodyBytes)
    }
  })

  it('the envelope alone is counted', () => {
    expect(batchBodyBytes(0, 0)).toBe(BATCH_ENVELOPE_BYTES)
    expect(new TextEncoder().encode(new Batch().body(new Date().toISOString())).length).toBe(BATCH_ENVELOPE_BYTES)
  })

  it.each([
    // messageBytes, count, next, max, fits
    [0, 0, 32_000, 500_000, true],
    [400_000, 10, 99_950, 500_000, false], // 48 + 499,950 + 10 commas > 500,000
    // the largest that fits exactly fills 500,000 bytes: envelope + bytes + 10 commas
    [400_000, 10, 100_000 - BATCH_ENVELOPE_BYTES - 10, 500_000, true],
    [400_000, 10, 100_000 - BATCH_ENVELOPE_BYTES - 9, 500_000, false],
    [10, 1, 10, 1024, true],
  ])('fitsInBatch(%i bytes in %i messages, next %i, max %i) = %s', (bytes, count, next, max, fits) => {
    expect(fitsInBatch(bytes, count, next, max)).toBe(fits)
  })
})
