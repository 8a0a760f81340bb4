// disable: true (issue 11): calls are validated and get their one outcome, but nothing is sent.
import { describe, expect, it } from 'vitest'
import type { Message } from '../src/types.js'
import { makeClient, outcomes } from './helpers/client.js'

describe('disable: true', () => {
  it('reports each valid call delivered after the call returned, and sends no request', async () => {
    const { client, transport } = makeClient({ disable: true, flushAt: 1 })
    const delivered: Message[] = []
    client.on('delivered', ({ message }) => delivered.push(message))
    const { results, settled, callback } = outcomes(3)
    client.track({ userId: 'u1', event: 'Signed Up', messageId: 'm-1' }, callback)
    client.identify({ userId: 'u1', traits: { plan: 'pro' } }, callback)
    client.alias({ previousId: 'a', userId: 'u1' }, callback)
    expect(results).toEqual([]) // not yet: outcomes come after the call returned
    await settled
    await client.flush()
    await client.close()
    expect(results.map((r) => [r.error, r.message?.type])).toEqual([
      [undefined, 'track'],
      [undefined, 'identify'],
      [undefined, 'alias'],
    ])
    expect(results[0]!.message).toMatchObject({ messageId: 'm-1', event: 'Signed Up', context: { library: expect.any(Object) } })
    expect(delivered.map((m) => m.type)).toEqual(['track', 'identify', 'alias'])
    expect((transport as { requests: unknown[] }).requests).toEqual([])
    expect(client.stats).toMatchObject({ enqueued: 3, delivered: 3, failed: 0, requests: 0, queued: 0, sending: 0 })
  })

  it.each([
    ['invalid', () => ({ userId: 'u1' }), 'invalid'],
    ['unserializable', () => ({ userId: 'u1', event: 'e', properties: { n: 1n } }), 'unserializable'],
    ['too large', () => ({ userId: 'u1', event: 'e', properties: { blob: 'x'.repeat(40_000) } }), 'too_large'],
  ])('still fails a call that is %s, with its reason', async (_, params, reason) => {
    const { client } = makeClient({ disable: true })
    const { results, settled, callback } = outcomes(1)
    client.track(params() as never, callback)
    await settled
    expect(results[0]!.error?.reason).toBe(reason)
    expect(client.stats.failedByReason).toEqual({ [reason]: 1 })
  })

  it('calls after close() fail with closed, as without disable', async () => {
    const { client } = makeClient({ disable: true })
    await client.close()
    const { results, settled, callback } = outcomes(1)
    client.track({ userId: 'u1', event: 'late' }, callback)
    await settled
    expect(results[0]!.error?.reason).toBe('closed')
  })
})
