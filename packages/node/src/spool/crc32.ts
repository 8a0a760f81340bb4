/**
 * CRC-32 (IEEE 802.3, the zlib / gzip / PNG polynomial) of a record's bytes.
 *
 * Why CRC-32 and not Vector's CRC-32C: both catch every torn write and every burst of flipped
 * bits shorter than 32 in a record this size; CRC-32C's edge is the SSE4.2 instruction, which
 * JavaScript cannot reach. CRC-32 is what Node computes natively (`zlib.crc32`, Node 20.15+ and
 * 22.2+), about 20x faster than a table loop in JavaScript, so the checksum costs little in the
 * write that happens once per event-loop turn; older Node 20 releases use the table loop below,
 * which gives the same numbers (the spool files do not depend on the Node version).
 */
import * as zlib from 'node:zlib'

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32

let table: Uint32Array | undefined

/** The same CRC-32 in JavaScript, one table lookup per byte. */
export function crc32InJs(bytes: Uint8Array): number {
  table ??= makeTable()
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

export const crc32: (bytes: Uint8Array) => number = native ? (bytes) => native(bytes) : crc32InJs

function makeTable(): Uint32Array {
  const made = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    made[n] = c >>> 0
  }
  return made
}
