/**
 * The on-disk format, as pure functions over bytes (tested as tables in test/spool-format.test.ts).
 *
 * A segment file is an 8-byte header (`CDPSPL1\n`: the format and its version) followed by records:
 *
 *     u32 LE  length of the payload in bytes (2 .. MAX_RECORD_BYTES)
 *     u32 LE  CRC-32 of the payload (crc32.ts)
 *     ...     the payload: one message's JSON, UTF-8, exactly as the client serialized it
 *
 * Reading never trusts a length it has not confirmed: a record counts only when its length is in
 * range, its payload is a JSON object's braces and its checksum matches. After a bad record the
 * reader looks for the next good one byte by byte (a false match needs a 1-in-4-billion checksum
 * hit on top of the braces), so a flipped byte costs one record, not the rest of the file (Vector
 * skips a corrupted record and says so instead of refusing to start). What ends the file without a
 * good record after it is a torn tail: a write cut short by a crash or power loss, or the NUL
 * bytes a filesystem leaves where data never reached the disk (analytics-swift #266).
 */
import { crc32 } from './crc32.js'

export const SEGMENT_HEADER = Buffer.from('CDPSPL1\n', 'latin1')
export const RECORD_HEADER_BYTES = 8
/** Far above the API's 32,000-byte message limit; a larger length is damage. */
export const MAX_RECORD_BYTES = 1 << 20

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/** Bytes a message of `jsonBytes` takes on disk. */
export function recordSize(jsonBytes: number): number {
  return RECORD_HEADER_BYTES + jsonBytes
}

/** A message to write: its JSON and that JSON's UTF-8 length. */
export interface RecordInput {
  readonly json: string
  readonly bytes: number
}

/**
 * Writes a record per message into `target` from `offset`; returns the offset after the last.
 * `target` must have room: see {@link recordSize}.
 */
export function encodeRecords(target: Buffer, offset: number, messages: readonly RecordInput[]): number {
  let at = offset
  for (let i = 0; i < messages.length; i++) {
    const start = at + RECORD_HEADER_BYTES
    const written = target.write(messages[i]!.json, start, messages[i]!.bytes, 'utf8')
    target.writeUInt32LE(written, at)
    target.writeUInt32LE(crc32(target.subarray(start, start + written)), at + 4)
    at = start + written
  }
  return at
}

/** One segment's bytes as records, in a new buffer (header included): for tests and recovery. */
export function encodeSegment(jsons: readonly string[]): Buffer {
  const messages = jsons.map((json) => ({ json, bytes: Buffer.byteLength(json) }))
  const target = Buffer.alloc(SEGMENT_HEADER.length + messages.reduce((sum, m) => sum + recordSize(m.bytes), 0))
  SEGMENT_HEADER.copy(target, 0)
  encodeRecords(target, SEGMENT_HEADER.length, messages)
  return target
}

/** What reading a segment found. */
export interface SegmentScan {
  /** The good records' payloads, as [start, end) byte ranges, in file order. */
  records: [start: number, end: number][]
  /** The header was missing or wrong (a file of NUL bytes, or not ours). */
  badHeader: boolean
  /** Runs of bytes between good records that held no good record (flipped bytes, overwrites). */
  corruptRuns: number
  /** The file ends in bytes that hold no good record (a torn or NUL-filled tail). */
  tornTail: boolean
  /** Bytes that were not part of a good record (header excluded when it was good). */
  lostBytes: number
}

export function isDamaged(scan: SegmentScan): boolean {
  return scan.badHeader || scan.corruptRuns > 0 || scan.tornTail
}

/** Reads a segment's records; never throws, whatever the bytes. */
export function scanSegment(bytes: Uint8Array): SegmentScan {
  const scan: SegmentScan = { records: [], badHeader: false, corruptRuns: 0, tornTail: false, lostBytes: 0 }
  let at = SEGMENT_HEADER.length
  if (bytes.length < at || !SEGMENT_HEADER.equals(bytes.subarray(0, at))) {
    scan.badHeader = true
    at = 0
  }
  let badFrom = -1
  while (at < bytes.length) {
    const end = recordEnd(bytes, at)
    if (end < 0) {
      if (badFrom < 0) badFrom = at
      at++
      continue
    }
    if (badFrom >= 0) {
      scan.corruptRuns++
      scan.lostBytes += at - badFrom
      badFrom = -1
    }
    scan.records.push([at + RECORD_HEADER_BYTES, end])
    at = end
  }
  if (badFrom >= 0) {
    scan.tornTail = true
    scan.lostBytes += bytes.length - badFrom
  }
  return scan
}

/** The end of a good record starting at `at`, or -1. */
function recordEnd(bytes: Uint8Array, at: number): number {
  if (at + RECORD_HEADER_BYTES + 2 > bytes.length) return -1
  const length = readU32(bytes, at)
  const start = at + RECORD_HEADER_BYTES
  const end = start + length
  if (length < 2 || length > MAX_RECORD_BYTES || end > bytes.length) return -1
  if (bytes[start] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return -1
  return crc32(bytes.subarray(start, end)) === readU32(bytes, at + 4) ? end : -1
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
}
