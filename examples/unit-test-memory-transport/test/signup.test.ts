// A unit test of the signup service: the client gets a MemoryTransport, which records every
// request instead of sending it, so the test needs no network and no write key, and asserts on
// exactly what the service would have sent.
import { Analytics, MemoryTransport } from '@cdp-analytics/node'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createSignupService, SignupError, type User } from '../src/signup.js'

let transport: MemoryTransport
let analytics: Analytics
let stored: User[]
let service: ReturnType<typeof createSignupService>

beforeEach(() => {
  transport = new MemoryTransport()
  // strict: a call the API would refuse throws in the test instead of failing quietly.
  analytics = new Analytics({ writeKey: 'test', transport, strict: true })
  stored = []
  let next = 0
  service = createSignupService({ analytics, users: { insert: async (user) => void stored.push(user) }, newId: () => `user-${++next}` })
})

afterEach(async () => {
  await analytics.close()
})

it('a signup identifies the user and tracks "Signed Up", in that order', async () => {
  const user = await service.signUp({ email: ' Cool.Person@Example.com ', plan: 'pro', referrer: 'newsletter' })
  await analytics.flush() // the recorded requests are complete once flush() settles

  expect(stored).toEqual([user])
  expect(transport.messages).toMatchObject([
    { type: 'identify', userId: 'user-1', traits: { email: 'cool.person@example.com', plan: 'pro' } },
    { type: 'track', userId: 'user-1', event: 'Signed Up', properties: { plan: 'pro', referrer: 'newsletter' } },
  ])
  // What the client fills in is there too.
  expect(transport.messages[1]).toMatchObject({ messageId: expect.any(String), timestamp: expect.any(String) })
  expect(transport.requests[0]!.headers).toMatchObject({ Authorization: `Basic ${btoa('test:')}` })
})

it('the plan defaults to free and no referrer property is sent without one', async () => {
  await service.signUp({ email: 'a@example.com' })
  await analytics.flush()
  expect(transport.messages[1]!.properties).toEqual({ plan: 'free' })
})

it('a refused signup stores and sends nothing', async () => {
  await expect(service.signUp({ email: 'not-an-email' })).rejects.toThrow(SignupError)
  await analytics.flush()
  expect(stored).toEqual([])
  expect(transport.messages).toEqual([])
})

it('when the API refuses the batch, the service still succeeds and the failure reaches the client', async () => {
  // The batch of two, then each half: a refused batch is sent again in halves to find the refused message.
  transport.respondWith(400, 400, 400)
  const failed: string[] = []
  analytics.on('failed', ({ error }) => failed.push(error.reason))
  const user = await service.signUp({ email: 'b@example.com' })
  await analytics.flush()
  expect(user.email).toBe('b@example.com')
  expect(failed).toEqual(['rejected', 'rejected'])
})
