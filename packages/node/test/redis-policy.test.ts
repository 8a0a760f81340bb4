// The forwarder's commands (src/redis/policy.ts) as tables: exactly what carries out each outcome of
// a message (the core's storedAction, tested in the core) on its stream entry.
import { describe, expect, it } from 'vitest'
import { ackCommands, deadLetterCommands, deliveriesError, handBackCommands } from '../src/redis/policy.js'

const source = { stream: 's', group: 'g', consumer: 'c1', deadLetterStream: 's:dead' }

describe('the commands', () => {
  it('ack: XACK and XDEL of the same ids; nothing for none', () => {
    expect(ackCommands(source, ['1-0', '2-0'])).toEqual([
      ['XACK', 's', 'g', '1-0', '2-0'],
      ['XDEL', 's', '1-0', '2-0'],
    ])
    expect(ackCommands(source, [])).toEqual([])
  })

  it('dead letter: the entry with its error into the dead-letter stream, then out of the group and the stream', () => {
    const at = new Date('2026-01-02T03:04:05.000Z')
    const dead = [{ entry: '1-0', message: '{"x":1}', messageId: 'm1', error: 'HTTP 400: bad', deliveries: 2 }]
    expect(deadLetterCommands(source, dead, at)).toEqual([
      [
        'XADD',
        's:dead',
        '*',
        'message',
        '{"x":1}',
        'messageId',
        'm1',
        'error',
        'HTTP 400: bad',
        'entry',
        '1-0',
        'deliveries',
        '2',
        'consumer',
        'c1',
        'failedAt',
        '2026-01-02T03:04:05.000Z',
      ],
      ['XACK', 's', 'g', '1-0'],
      ['XDEL', 's', '1-0'],
    ])
    expect(deadLetterCommands(source, [], at)).toEqual([])
  })

  it('hand back: claimable at once, each delivery count as it was before this forwarder took it, one XCLAIM per count', () => {
    const entries = [
      { id: '1-0', deliveries: 1 },
      { id: '2-0', deliveries: 3 },
      { id: '3-0', deliveries: 1 },
    ]
    expect(handBackCommands(source, entries, 30_000)).toEqual([
      ['XCLAIM', 's', 'g', 'c1', '0', '1-0', '3-0', 'IDLE', '30000', 'RETRYCOUNT', '0', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'c1', '0', '2-0', 'IDLE', '30000', 'RETRYCOUNT', '2', 'JUSTID'],
    ])
  })
})

describe('deliveriesError', () => {
  it.each([
    [11, 10, 'HTTP 503', 'delivered 11 times, more than maxDeliveries 10; last error: HTTP 503'],
    [
      4,
      3,
      undefined,
      'delivered 4 times, more than maxDeliveries 3, each time without an outcome (the forwarders holding it stopped, crashed or lost Redis first)',
    ],
  ])('%i deliveries, max %i, last error %j', (deliveries, max, last, text) => {
    expect(deliveriesError(deliveries, max, last)).toBe(text)
  })
})
