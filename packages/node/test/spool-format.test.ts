// The spool's pure policy as tables: CRC-32, record framing and what reading damaged bytes finds,
// segment names and sizes, which outcomes leave the spool, when a segment goes, maxBytes, options.
import { describe, expect, it } from 'vitest'
import { crc32, crc32InJs } from '../src/spool/crc32.js'
import { DeliveryError, QueueFullError, ValidationError } from '../src/index.js'
import { resolveSpoolOptions, segmentBytesFor } from '../src/spool/options.js'
import { leavesSpool, roomFor, segmentDone } from '../src/spool/policy.js'
import { encodeSegment, RECORD_HEADER_BYTES, recordSize, type SegmentScan, SEGMENT_HEADER, scanSegment } from '../src/spool/record.js'
import { segmentId, segmentName } from '../src/spool/segment.js'

const json = (i: number) => JSON.stringify({ type: 'track', messageId: `m-${i}`, timestamp: '2024-01-01T00:00:00.000Z', event: `é ${i}` })
const three = encodeSegment([json(0), json(1), json(2)])
/** Where record `i` of `three` starts. */
const recordStart = (i: number) =>
  SEGMENT_HEADER.length + [0, 1, 2].slice(0, i).reduce((sum, k) => sum + recordSize(Buffer.byteLength(json(k))), 0)
const payloads = (bytes: Buffer, scan: SegmentScan) =>
  scan.records.map(([start, end]) => JSON.parse(bytes.toString('utf8', start, end)).messageId)

describe('crc32', () => {
  it.each([
    ['', 0],
    ['a', 0xe8b7be43],
    ['123456789', 0xcbf43926], // the standard check value of CRC-32 (IEEE)
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('%j -> %s, the same natively and in JavaScript', (text, expected) => {
    const bytes = Buffer.from(text)
    expect(crc32(bytes)).toBe(expected)
    expect(crc32InJs(bytes)).toBe(expected)
  })
})

describe('scanSegment', () => {
  const flip = (at: number) => {
    const copy = Buffer.from(three)
    copy[at]! ^= 0x01
    return copy
  }
  it.each<[string, Buffer, string[], Partial<SegmentScan>]>([
    ['three intact records', three, ['m-0', 'm-1', 'm-2'], { badHeader: false, corruptRuns: 0, tornTail: false, lostBytes: 0 }],
    ['a header only', Buffer.from(SEGMENT_HEADER), [], { tornTail: false, lostBytes: 0 }],
    [
      'a byte flipped in the middle record’s JSON',
      flip(recordStart(1) + RECORD_HEADER_BYTES + 5),
      ['m-0', 'm-2'],
      { corruptRuns: 1, tornTail: false },
    ],
    ['a byte flipped in the middle record’s length', flip(recordStart(1)), ['m-0', 'm-2'], { corruptRuns: 1, tornTail: false }],
    ['a byte flipped in the middle record’s checksum', flip(recordStart(1) + 4), ['m-0', 'm-2'], { corruptRuns: 1, tornTail: false }],
    ['a byte flipped in the last record', flip(three.length - 2), ['m-0', 'm-1'], { corruptRuns: 0, tornTail: true }],
    [
      'cut inside the last record',
      three.subarray(0, three.length - 7),
      ['m-0', 'm-1'],
      { tornTail: true, lostBytes: recordSize(Buffer.byteLength(json(2))) - 7 },
    ],
    ['cut inside the last record’s header', three.subarray(0, recordStart(2) + 3), ['m-0', 'm-1'], { tornTail: true, lostBytes: 3 }],
    [
      'NUL bytes after the records (data never reached the disk)',
      Buffer.concat([three, Buffer.alloc(4096)]),
      ['m-0', 'm-1', 'm-2'],
      { tornTail: true, lostBytes: 4096 },
    ],
    ['a file of NUL bytes', Buffer.alloc(8192), [], { badHeader: true, tornTail: true, lostBytes: 8192 }],
    ['an empty file', Buffer.alloc(0), [], { badHeader: true, tornTail: false, lostBytes: 0 }],
    [
      'a foreign header before good records',
      Buffer.concat([Buffer.from('NOTOURS!'), three.subarray(SEGMENT_HEADER.length)]),
      ['m-0', 'm-1', 'm-2'],
      { badHeader: true, corruptRuns: 1, lostBytes: 8 },
    ],
  ])('%s', (_name, bytes, ids, expected) => {
    const scan = scanSegment(bytes)
    expect(payloads(bytes, scan)).toEqual(ids)
    expect(scan).toMatchObject(expected)
  })

  it('a cut at every byte keeps exactly the records before the cut, and never throws', () => {
    for (let cut = 0; cut <= three.length; cut++) {
      const scan = scanSegment(three.subarray(0, cut))
      const whole = [0, 1, 2, 3].filter((i) => (i === 3 ? three.length : recordStart(i)) <= cut).length - 1
      expect(scan.records.length, `cut at ${cut}`).toBe(Math.max(0, whole))
    }
  })

  it('a flipped bit anywhere costs at most the record it hits', () => {
    for (let at = SEGMENT_HEADER.length; at < three.length; at++) {
      for (const bit of [0x01, 0x80]) {
        const copy = Buffer.from(three)
        copy[at]! ^= bit
        expect(scanSegment(copy).records.length, `byte ${at} bit ${bit}`).toBe(2)
      }
    }
  })
})

describe('segments', () => {
  it.each([
    [1, '000000000001.seg'],
    [42, '000000000042.seg'],
    [999_999_999_999, '999999999999.seg'],
  ])('id %i is named %s and read back', (id, name) => {
    expect(segmentName(id)).toBe(name)
    expect(segmentId(name)).toBe(id)
  })

  it.each(['lock', '000000000001.seg.tmp', '1.seg', 'damaged'])('%s is no segment', (name) => {
    expect(segmentId(name)).toBeUndefined()
  })

  it.each([
    [1024 ** 3, 4 * 1024 * 1024], // the default 1 GiB: 4 MiB segments
    [8 * 1024 * 1024, 1024 * 1024], // an eighth of a small maxBytes
    [1_000_000, 125_000],
    [64 * 1024, 64 * 1024], // never below 64 KiB
  ])('maxBytes %i -> segments of %i bytes', (maxBytes, segmentBytes) => {
    expect(segmentBytesFor(maxBytes)).toBe(segmentBytes)
  })
})

describe('spool options', () => {
  it('defaults', () => {
    expect(resolveSpoolOptions({ dir: '/tmp/x' })).toEqual({
      dir: '/tmp/x',
      maxBytes: 1024 ** 3,
      whenFull: 'drop_newest',
      sync: 'interval',
      syncIntervalMs: 100,
      segmentBytes: 4 * 1024 * 1024,
    })
  })

  it.each([
    [{ dir: '' }, /spool.dir: required/],
    [{ dir: '/tmp/x', maxBytes: 1000 }, /spool.maxBytes: .*at least 65536/],
    [{ dir: '/tmp/x', maxBytes: 1.5e6 + 0.5 }, /spool.maxBytes/],
    [{ dir: '/tmp/x', whenFull: 'block' }, /spool.whenFull: must be 'drop_newest' or 'drop_oldest' \(got block\)/],
    [{ dir: '/tmp/x', sync: 'sometimes' }, /spool.sync: must be 'interval', 'always' or 'never'/],
    [{ dir: '/tmp/x', syncIntervalMs: 0 }, /spool.syncIntervalMs: must be a positive number/],
  ])('%o is a ConfigError: %s', (options, message) => {
    expect(() => resolveSpoolOptions(options as never)).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(message) }),
    )
  })
})

describe('spool policy', () => {
  it.each([
    ['delivered', undefined, true],
    ['rejected by the API', new DeliveryError('400', 'rejected', 400, 1), true],
    ['out of retries', new DeliveryError('503', 'retries_exhausted', 503, 11), true],
    ['dropped as full', new QueueFullError('full'), true],
    ['a stored record that is no message', new ValidationError('bad', 'stored', ''), true],
    ['cut by the close() deadline: kept for the next start', new DeliveryError('late', 'deadline', undefined, 1), false],
  ])('%s -> leaves the spool: %s', (_name, error, leaves) => {
    expect(leavesSpool(error)).toBe(leaves)
  })

  it.each([
    // open, sealed, current -> delete
    [0, true, false, true],
    [0, false, true, true], // the current segment, emptied: the next call opens a new one
    [1, true, false, false], // a message still without an outcome
    [1, false, true, false],
    [0, false, false, false], // not sealed and not current: cannot happen, and is kept if it did
  ])('a segment with %i open, sealed %s, current %s: delete %s', (open, sealed, current, done) => {
    expect(segmentDone({ open, sealed }, current)).toBe(done)
  })

  it.each([
    // size, bytes in use, maxBytes, whenFull -> decision
    [100, 0, 1000, 'drop_newest', 'fits'],
    [100, 900, 1000, 'drop_newest', 'fits'], // exactly at the bound
    [100, 901, 1000, 'drop_newest', 'refuse'],
    [100, 901, 1000, 'drop_oldest', 'drop_oldest'],
    [2000, 0, 1000, 'drop_oldest', 'refuse'], // larger than the whole spool
  ] as const)('%i bytes with %i of %i in use, %s: %s', (size, bytes, maxBytes, whenFull, decision) => {
    expect(roomFor(size, bytes, maxBytes, whenFull)).toBe(decision)
  })
})
