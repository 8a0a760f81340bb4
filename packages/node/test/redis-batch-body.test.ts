// The producer's scan (src/redis/batch-body.ts): a message's own top-level messageId from its JSON, for
// the shapes that could fool a scan (tables) and for any message fast-check makes, against
// JSON.parse; then the XADDs of a request, with and without the core's `messages`.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gzip } from '../src/index.js'
import { messageIdOf } from '../src/redis/batch-body.js'
import { xaddCommands } from '../src/redis/transport.js'

const body = (...messages: object[]) =>
  `{"batch":[${messages.map((m) => JSON.stringify(m)).join(',')}],"sentAt":"2026-01-01T00:00:00.000Z"}`

describe('messageIdOf', () => {
  it.each([
    ['a message', { type: 'track', messageId: 'a' }, 'a'],
    ['after properties that hold their own messageId', { properties: { messageId: 'inner' }, messageId: 'outer' }, 'outer'],
    ['escaped', { messageId: 'm"\\né' }, 'm"\\né'],
    ['none', { properties: { messageId: 'inner' } }, undefined],
  ])('%s', (_name, message, id) => {
    expect(messageIdOf(JSON.stringify(message))).toBe(id)
  })

  it.each(['', 'not json', '{"messageId":"a"', '{"messageId":"a"} trailing'])('%j: undefined', (json) => {
    expect(messageIdOf(json)).toBeUndefined()
  })

  it('agrees with JSON.parse on any message', () => {
    const message = fc.record({ messageId: fc.string(), properties: fc.jsonValue(), context: fc.dictionary(fc.string(), fc.jsonValue()) })
    fc.assert(
      fc.property(message, (m) => {
        expect(messageIdOf(JSON.stringify(m))).toBe(m.messageId)
      }),
      { numRuns: 300 },
    )
  })
})

describe('xaddCommands', () => {
  const messages = [
    { type: 'track', messageId: 'a', properties: { messageId: 'x' } },
    { type: 'page', messageId: 'b' },
  ]
  const expected = messages.map((m) => ['XADD', 's', '*', 'message', JSON.stringify(m), 'messageId', m.messageId])
  const request = (extra: object) =>
    ({ url: 'u', headers: {}, timeout: 1, signal: new AbortController().signal, body: '', ...extra }) as never

  it.each([
    [
      'the messages the core hands over (the body is not read)',
      { messages: messages.map((m) => ({ json: JSON.stringify(m), bytes: 0 })), body: 'ignored' },
    ],
    ['the body alone', { body: body(...messages) }],
    ['a body in another shape (parsed)', { body: JSON.stringify({ sentAt: 't', batch: messages }, null, 2) }],
    [
      'a message with spaces among the messages (parsed alone)',
      {
        messages: [
          { json: JSON.stringify(messages[0]), bytes: 0 },
          { json: JSON.stringify(messages[1], null, 1), bytes: 0 },
        ],
      },
    ],
  ])('one XADD per message, its JSON as written and its messageId: %s', async (name, extra) => {
    const commands = await xaddCommands('s', request(extra))
    if (name.startsWith('a message with spaces')) expect(commands[1]![6]).toBe('b')
    else expect(commands).toEqual(expected)
  })

  it('a gzipped body without messages is read after gunzip', async () => {
    const text = body(...messages)
    const commands = await xaddCommands('s', request({ body: await gzip(text), headers: { 'Content-Encoding': 'gzip' } }))
    expect(commands).toEqual(expected)
  })
})
