// Fuzzing through the Node client over real HTTP (issue 4): hostile input — including whole
// request bodies an app forwards with `analytics.track(JSON.parse(body))` — never throws, never
// costs a good message its delivery, gets one error per bad call, and every request the collector
// receives passes its checks (schema, auth, byte limits) and ajv's. The core suite fuzzes the same
// surface in depth over a memory transport (packages/core/test/fuzz.test.ts); this one proves
// the wire. fast-check prints the seed on failure; replay with FC_SEED=<seed>.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Analytics, AnalyticsError, MessageType } from '../src/index.js'
import { client, collector, expectAllValid } from './helpers/setup.js'

const RUNS = Number(process.env.FC_RUNS ?? 25)
const params = { numRuns: RUNS, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) }
const TYPES: MessageType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias']
const KEYS = [
  'userId',
  'anonymousId',
  'event',
  'groupId',
  'previousId',
  'traits',
  'properties',
  'context',
  'integrations',
  'timestamp',
  'messageId',
  'email',
  'createdAt',
  'ip',
  'page',
  'title',
  'url',
  'channel',
  'sentAt',
  '__proto__',
  'constructor',
]

/** A JSON body as an app would receive it: any JSON, with the field names the API cares about. */
const forwardedBody = fc
  .jsonValue({ maxDepth: 4 })
  .chain((noise) =>
    fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary' }), fc.constant(noise)), {
      maxKeys: 6,
    }),
  )
  .map((body) => JSON.parse(JSON.stringify(body)) as unknown)

/** Values only JavaScript callers can pass. */
const jsOnly = fc.oneof(
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(NaN, Infinity, undefined, Symbol('s'), () => 1, new Uint8Array([1, 2]), '\ud800', 'x'.repeat(40_000)),
)
const wrongTyped = fc.record({
  userId: fc.oneof(fc.string(), jsOnly),
  event: fc.oneof(fc.string(), jsOnly),
  properties: fc.oneof(fc.object(), jsOnly),
})

const input = fc.oneof(forwardedBody, wrongTyped, fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withTypedArray: true }))

const GOOD: [MessageType, Record<string, unknown>] = ['track', { userId: 'u-good', event: 'good', properties: { ok: true } }]

describe('fuzz over real HTTP', () => {
  it('hostile calls beside good ones: no throw, one outcome each, good ones delivered, every request valid', async () => {
    const local = await collector()
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...TYPES), input), { minLength: 1, maxLength: 8 }), async (calls) => {
        local.reset()
        const analytics = client(local.url, { flushAt: 5 })
        const outcomes: { good: boolean; errors: (AnalyticsError | undefined)[] }[] = []
        const call = (type: MessageType, value: unknown, good: boolean) => {
          const mine = { good, errors: [] as (AnalyticsError | undefined)[] }
          outcomes.push(mine)
          ;(analytics[type] as (p: unknown, cb: (e: Error | undefined) => void) => void).call(analytics, value, (error) =>
            mine.errors.push(error as AnalyticsError | undefined),
          )
        }
        for (const [type, value] of calls) {
          call(GOOD[0], GOOD[1], true)
          expect(() => call(type, value, false)).not.toThrow()
        }
        await analytics.close({ timeout: 10_000 })
        for (const { good, errors } of outcomes) {
          expect(errors).toHaveLength(1)
          if (good) expect(errors[0]).toBeUndefined()
          else if (errors[0]) expect(['invalid', 'unserializable', 'too_large']).toContain(errors[0].reason)
        }
        const delivered = outcomes.filter((o) => o.errors[0] === undefined).length
        expect(local.messages).toHaveLength(delivered)
        expect(local.requests.every((r) => r.valid && r.status === 200)).toBe(true)
        expect(local.duplicateMessageIds().size).toBe(0)
        expectAllValid(local)
        const sizes = local.requests.map((r) => r.bytes)
        expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(500_000)
      }),
      params,
    )
  }, 120_000)

  it('strict mode: a bad call throws an AnalyticsError at the call site and sends nothing', async () => {
    const local = await collector()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TYPES), input, async (type, value) => {
        local.reset()
        const analytics: Analytics = client(local.url, { strict: true, flushAt: 1 })
        let thrown: unknown
        try {
          ;(analytics[type] as (p: unknown) => void).call(analytics, value)
        } catch (error) {
          thrown = error
        }
        await analytics.close({ timeout: 10_000 })
        if (thrown) {
          expect((thrown as AnalyticsError).name).toMatch(/^(ValidationError|SerializationError|MessageTooLargeError)$/)
          expect(local.requests).toHaveLength(0)
        } else {
          expect(local.messages).toHaveLength(1)
        }
        expectAllValid(local)
      }),
      params,
    )
  }, 120_000)
})
