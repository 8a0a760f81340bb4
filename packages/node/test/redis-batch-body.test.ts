// The producer's scan of a request body (src/redis/batch-body.ts): each message's JSON exactly as
// in the body, and its own top-level messageId, for the shapes that could fool a scan (tables), and
// for any messages fast-check makes, against JSON.parse of the same body.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { splitBatch } from '../src/redis/batch-body.js'
import { xaddCommands } from '../src/redis/transport.js'

const body = (...messages: object[]) =>
  `{"batch":[${messages.map((m) => JSON.stringify(m)).join(',')}],"sentAt":"2026-01-01T00:00:00.000Z"}`

describe('splitBatch', () => {
  it.each([
    ['one message', [{ type: 'track', messageId: 'a' }]],
    [
      'messageId after properties that hold their own messageId',
      [{ type: 'track', properties: { messageId: 'inner', x: [{ messageId: 'deeper' }] }, messageId: 'outer' }],
    ],
    ['quotes, braces, brackets and commas inside strings', [{ event: 'a "quoted" {brace} [bracket], comma', messageId: 'm"1' }]],
    ['backslashes, and a messageId that needs unescaping', [{ event: 'C:\\path\\', messageId: 'm\\n\u00e9\u2028' }]],
    ['a key that ends like messageId', [{ notmessageId: 'x', messageId: 'y' }]],
    ['a value that is "messageId"', [{ event: 'messageId', messageId: 'z' }]],
    ['several, emoji and all', [{ messageId: '1', e: '🎉' }, { messageId: '2', n: null, b: [1, { a: {} }] }, { messageId: '3' }]],
    ['an empty batch', []],
  ])('%s', (_name, messages) => {
    expect(splitBatch(body(...messages))).toEqual(
      messages.map((m) => ({ json: JSON.stringify(m), messageId: (m as { messageId: string }).messageId })),
    )
  })

  it.each([
    ['not a batch body', '{"other":[]}'],
    ['pretty-printed', '{ "batch": [ { "messageId": "a" } ] }'],
    ['a message without messageId', body({ type: 'track' })],
    ['a nested messageId only', body({ properties: { messageId: 'inner' } })],
    ['cut short', body({ messageId: 'a' }).slice(0, 20)],
  ])('%s: undefined (the caller parses the body instead)', (_name, text) => {
    expect(splitBatch(text)).toBeUndefined()
  })

  it('agrees with JSON.parse on any messages', () => {
    const message = fc.record({ messageId: fc.string(), properties: fc.jsonValue(), context: fc.dictionary(fc.string(), fc.jsonValue()) })
    fc.assert(
      fc.property(fc.array(message, { maxLength: 5 }), (messages) => {
        const text = body(...messages)
        const parsed = (JSON.parse(text) as { batch: { messageId: string }[] }).batch
        expect(splitBatch(text)).toEqual(parsed.map((m) => ({ json: JSON.stringify(m), messageId: m.messageId })))
      }),
      { numRuns: 300 },
    )
  })
})

describe('xaddCommands', () => {
  it('one XADD per message, its JSON as written and its messageId; another body shape is parsed', () => {
    const messages = [
      { type: 'track', messageId: 'a', properties: { messageId: 'x' } },
      { type: 'page', messageId: 'b' },
    ]
    const expected = messages.map((m) => ['XADD', 's', '*', 'message', JSON.stringify(m), 'messageId', m.messageId])
    expect(xaddCommands('s', body(...messages))).toEqual(expected)
    expect(xaddCommands('s', JSON.stringify({ sentAt: 't', batch: messages }, null, 2))).toEqual(expected)
  })
})
