// Issue 18: damage found at start never stops it (a torn tail, a flipped byte, a file of NUL bytes,
// an empty file): every intact message is delivered, in order, the damage is counted and warned
// about once, the damaged file is moved aside. And one spool per directory.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/index.js'
import { encodeSegment, RECORD_HEADER_BYTES, SEGMENT_HEADER } from '../src/spool/record.js'
import { segmentName } from '../src/spool/segment.js'
import { client, collector, WRITE_KEY } from './helpers/setup.js'
import { segmentFiles, spoolDir, startWriter } from './helpers/spool.js'

const message = (i: number) =>
  JSON.stringify({
    type: 'track',
    event: 'Stored',
    userId: 'u',
    messageId: `m-${i}`,
    timestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    context: {},
  })
const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => `m-${from + k}`)
const recordBytes = (i: number) => RECORD_HEADER_BYTES + Buffer.byteLength(message(i))
const random = (below: number) => Math.floor(Math.random() * below)

/** The middle segment (m-10 .. m-19) as written, then damaged; the ids that must survive. */
const damages: [name: string, damage: () => { bytes: Buffer; intact: string[]; counted: boolean }][] = [
  [
    'cut at a random byte',
    () => {
      const whole = encodeSegment(ids(10, 20).map((_, k) => message(10 + k)))
      const cut = SEGMENT_HEADER.length + 1 + random(whole.length - SEGMENT_HEADER.length - 2)
      let end = SEGMENT_HEADER.length
      let kept = 0
      while (kept < 10 && end + recordBytes(10 + kept) <= cut) end += recordBytes(10 + kept++)
      return { bytes: whole.subarray(0, cut), intact: ids(10, 10 + kept), counted: cut !== end }
    },
  ],
  [
    'a flipped byte in a random record',
    () => {
      const bytes = encodeSegment(ids(10, 20).map((_, k) => message(10 + k)))
      const hit = random(10)
      let start = SEGMENT_HEADER.length
      for (let k = 0; k < hit; k++) start += recordBytes(10 + k)
      bytes[start + random(recordBytes(10 + hit))]! ^= 0x20
      return { bytes, intact: ids(10, 20).filter((_, k) => k !== hit), counted: true }
    },
  ],
  ['a file of NUL bytes', () => ({ bytes: Buffer.alloc(64 * 1024), intact: [], counted: true })],
  // Created and never written (a crash between open and the first write): nothing was lost, but it
  // is counted and warned about like any damage (issue 18); the file is deleted, not moved aside.
  ['zero bytes', () => ({ bytes: Buffer.alloc(0), intact: [], counted: true })],
]

describe('spool: damage found at start', () => {
  it.each(damages)(
    '%s: startup succeeds, every intact message is delivered in order, the damage is counted and warned once',
    async (_name, damage) => {
      const dir = spoolDir()
      const { bytes, intact, counted } = damage()
      writeFileSync(join(dir, segmentName(1)), encodeSegment(ids(0, 10).map((_, k) => message(k))))
      writeFileSync(join(dir, segmentName(2)), bytes)
      writeFileSync(join(dir, segmentName(3)), encodeSegment(ids(20, 30).map((_, k) => message(20 + k))))
      const local = await collector()
      const warnings: string[] = []
      // One request at a time, so the order of arrival is the order of the queue.
      const analytics = client(local.url, {
        spool: { dir },
        maxInFlight: 1,
        logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error: (line: string) => warnings.push(line) },
      })
      analytics.track({ userId: 'u', event: 'New', messageId: 'new' })
      await analytics.flush()
      expect(local.messages.map((m) => m.messageId)).toEqual([...ids(0, 10), ...intact, ...ids(20, 30), 'new'])
      expect(local.messages[0]!.timestamp).toBe('2024-01-01T00:00:00.000Z')
      expect(analytics.spool).toMatchObject({ replayed: 20 + intact.length, damagedSegments: counted ? 1 : 0 })
      expect(warnings).toHaveLength(counted ? 1 : 0)
      if (counted) {
        expect(warnings[0]).toMatch(
          /spool: 1 damaged segment file\(s\) found at start \(000000000002\.seg: .*\); those with content moved to .*damaged; \d+ intact message\(s\) in them are kept and sent, \d+ byte\(s\) could not be read/,
        )
        if (bytes.length === 0) {
          expect(warnings[0]).toContain('000000000002.seg: empty, deleted (nothing was written to it)')
          expect(existsSync(join(dir, 'damaged')) ? readdirSync(join(dir, 'damaged')) : []).toEqual([])
        } else {
          expect(analytics.spool!.lostBytes).toBeGreaterThan(0)
          expect(readdirSync(join(dir, 'damaged'))).toEqual([expect.stringMatching(/^000000000002\.seg\.\d+$/)])
        }
      }
      await analytics.close()
      expect(segmentFiles(dir)).toEqual([])
      expect(existsSync(join(dir, 'lock'))).toBe(false)
    },
  )

  it('a record whose checksum holds but that is no message is dropped, counted and warned once; the rest is delivered', async () => {
    const dir = spoolDir()
    writeFileSync(join(dir, segmentName(1)), encodeSegment([message(0), '{"not":"a message"}', message(2)]))
    const local = await collector()
    const warnings: string[] = []
    const analytics = client(local.url, {
      spool: { dir },
      logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} },
    })
    await analytics.flush()
    expect(local.messages.map((m) => m.messageId)).toEqual(['m-0', 'm-2'])
    expect(analytics.spool).toMatchObject({ replayed: 2, invalidRecords: 1, segments: 0 })
    expect(warnings).toEqual([
      expect.stringMatching(/spool: a record in .* is no message \(stored message: no type, messageId or timestamp\); dropped/),
    ])
  })

  it('a damaged segment whose intact messages are not yet delivered when the process dies again: they were written into a new segment first', async () => {
    const dir = spoolDir()
    const bytes = encodeSegment(ids(0, 5).map((_, k) => message(k)))
    writeFileSync(join(dir, segmentName(1)), bytes.subarray(0, bytes.length - 3))
    const down = await collector()
    down.setDefaultResponse({ status: 503 })
    const first = client(down.url, { spool: { dir } })
    expect(first.spool).toMatchObject({ damagedSegments: 1, replayed: 4 })
    await first.close({ timeout: 0 }) // nothing delivered: the four stay for the next start
    const local = await collector()
    const second = client(local.url, { spool: { dir } })
    await second.flush()
    expect(local.messages.map((m) => m.messageId)).toEqual(ids(0, 4))
    expect(second.spool).toMatchObject({ damagedSegments: 0, replayed: 4 })
  })
})

describe('spool: one client per directory', () => {
  it('a second client on the same directory in the same process gets a ConfigError', async () => {
    const dir = spoolDir()
    const local = await collector()
    client(local.url, { spool: { dir } })
    expect(() => client(local.url, { spool: { dir } })).toThrow(ConfigError)
    expect(() => client(local.url, { spool: { dir } })).toThrow(/another client of this process uses it/)
  })

  it('a client on the directory of a live process gets a ConfigError naming it; once that process is killed, its lock is taken over', async () => {
    const dir = spoolDir()
    const local = await collector()
    local.setDefaultResponse({ status: 503 })
    const writer = startWriter(dir, local.url, WRITE_KEY, 100)
    await writer.spooled(100)
    expect(() => client(local.url, { spool: { dir } })).toThrow(new RegExp(`process ${writer.child.pid} uses it`))
    await writer.kill()
    local.setDefaultResponse(undefined)
    const warnings: string[] = []
    const analytics = client(local.url, {
      spool: { dir },
      logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} },
    })
    expect(warnings).toEqual([
      `cdp-analytics: spool: took over ${join(dir, 'lock')} from process ${writer.child.pid}, which is no longer running`,
    ])
    await analytics.flush()
    expect(local.messages).toHaveLength(100)
  })

  it.each([
    // what the lock file says, and what a new client does
    ['a live process that started when the lock says', 'live-owner', 'ConfigError'],
    ['a live pid that started at another time (the pid was reused)', 'reused-pid', 'taken over'],
    ['a pid that no process has', 'dead-pid', 'taken over'],
    ['no pid at all', 'garbage', 'taken over'],
  ])('a lock of %s: %s', async (_name, lock, outcome) => {
    const dir = spoolDir()
    const live = process.ppid
    const started = readFileSync(`/proc/${live}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]
    const text = { 'live-owner': `${live} ${started}`, 'reused-pid': `${live} 1`, 'dead-pid': '2147483646 1', garbage: 'not a pid' }[lock]
    writeFileSync(join(dir, 'lock'), `${text}\n`)
    const local = await collector()
    const warnings: string[] = []
    const logger = { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} }
    if (outcome === 'ConfigError') {
      expect(() => client(local.url, { spool: { dir }, logger })).toThrow(new RegExp(`process ${live} uses it`))
      return
    }
    client(local.url, { spool: { dir }, logger })
    expect(warnings).toEqual([
      expect.stringMatching(/spool: took over .*lock (from process \d+, which is no longer running|that named no process)$/),
    ])
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\n$`))
  })

  it('a closed client lets the directory go: the next one starts without a warning', async () => {
    const dir = spoolDir()
    const local = await collector()
    await client(local.url, { spool: { dir } }).close()
    const warnings: string[] = []
    client(local.url, { spool: { dir }, logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} } })
    expect(warnings).toEqual([])
  })
})
