// Stream replies as plain data, whatever shape a client hands them in (RESP2 arrays, RESP3 maps,
// Buffers): the tables hold the shapes ioredis 5/6 and node-redis 4/5/6 were seen to return.
import { describe, expect, it } from 'vitest'
import { readAutoClaim, readConsumers, readDeliveryCounts, readFields, readStreamReply } from '../src/redis/replies.js'

const entry = (id: string, ...fields: string[]) => [id, fields]

describe('readStreamReply (XREADGROUP)', () => {
  it.each([
    ['nil: a block that timed out', null, []],
    [
      'RESP2: [[stream, entries]]',
      [['s', [entry('1-0', 'message', '{}', 'messageId', 'a')]]],
      [{ id: '1-0', fields: { message: '{}', messageId: 'a' } }],
    ],
    ['RESP2, no entries', [['s', []]], []],
    ['RESP3 object (node-redis 6): { stream: entries }', { s: [entry('2-0', 'message', 'x')] }, [{ id: '2-0', fields: { message: 'x' } }]],
    ['RESP3 Map', new Map([['s', [entry('3-0', 'message', 'y')]]]), [{ id: '3-0', fields: { message: 'y' } }]],
    ['an entry deleted while pending: fields nil', [['s', [['4-0', null]]]], [{ id: '4-0', fields: undefined }]],
    [
      'Buffers',
      [[Buffer.from('s'), [[Buffer.from('5-0'), [Buffer.from('message'), Buffer.from('z')]]]]],
      [{ id: '5-0', fields: { message: 'z' } }],
    ],
    ['entries with map fields', [['s', [['6-0', { message: 'm' }]]]], [{ id: '6-0', fields: { message: 'm' } }]],
  ])('%s', (_name, reply, entries) => {
    expect(readStreamReply(reply)).toEqual(entries)
  })
})

describe('readFields', () => {
  it.each([
    [['a', '1', 'b', '2'], { a: '1', b: '2' }],
    [['odd'], {}],
    [{ a: '1' }, { a: '1' }],
    [null, undefined],
  ])('%j → %j', (reply, fields) => {
    expect(readFields(reply)).toEqual(fields)
  })
})

describe('readAutoClaim (XAUTOCLAIM)', () => {
  it.each([
    [
      'Redis 7: cursor, entries, deleted ids',
      ['0-0', [entry('1-0', 'message', 'x')], ['0-5']],
      { cursor: '0-0', entries: [{ id: '1-0', fields: { message: 'x' } }] },
    ],
    ['Redis 6.2: no deleted list', ['7-0', []], { cursor: '7-0', entries: [] }],
    ['not an array', null, { cursor: '0-0', entries: [] }],
  ])('%s', (_name, reply, read) => {
    expect(readAutoClaim(reply)).toEqual(read)
  })
})

describe('readDeliveryCounts (XPENDING, extended form)', () => {
  it('maps each id to its delivery count', () => {
    expect(
      readDeliveryCounts([
        ['1-0', 'c', 50, 3],
        ['2-0', 'c', 10, '1'],
      ]),
    ).toEqual(
      new Map([
        ['1-0', 3],
        ['2-0', 1],
      ]),
    )
    expect(readDeliveryCounts(null)).toEqual(new Map())
  })
})

describe('readConsumers (XINFO CONSUMERS)', () => {
  it.each([
    ['RESP2 flat pairs', [['name', 'a', 'pending', 2, 'idle', 100, 'inactive', 100]], [{ name: 'a', pending: 2, idle: 100 }]],
    ['RESP3 maps', [{ name: 'b', pending: 0, idle: 5 }], [{ name: 'b', pending: 0, idle: 5 }]],
    ['none', [], []],
  ])('%s', (_name, reply, consumers) => {
    expect(readConsumers(reply)).toEqual(consumers)
  })
})
