// Property-based tests of the public call surface (issue 4): hostile input from untyped JavaScript
// callers never throws (unless strict), never disturbs good messages in the same batch, gets one
// clear error per bad call, and whatever is sent validates against batch.schema.json within the
// byte limits. fast-check prints the seed and the shrunk counterexample when a property fails;
// replay one with FC_SEED=<seed>.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AnalyticsCore } from '../src/client.js'
import { AnalyticsError, ConfigError } from '../src/errors.js'
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, utf8Length } from '../src/limits.js'
import { MemoryTransport } from '../src/memory-transport.js'
import type { AnalyticsOptions } from '../src/options.js'
import type { Message, MessageType } from '../src/types.js'
import { LIBRARY, silentLogger } from './helpers/client.js'
import { schemaErrors } from './helpers/spec.js'

const RUNS = Number(process.env.FC_RUNS ?? 120)
/** Room for FC_RUNS in the thousands, and for slow CI machines. */
const TIMEOUT = 120_000
const params = (runs = RUNS): fc.Parameters<unknown> => ({
  numRuns: runs,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
})

const TYPES: MessageType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias']
const INPUT_REASONS = new Set(['invalid', 'unserializable', 'too_large'])

/** A valid call of each type, which hostile fields are then written over. */
const BASE: Record<MessageType, Record<string, unknown>> = {
  identify: { userId: 'u-1', traits: { plan: 'pro' } },
  track: { userId: 'u-1', event: 'added_to_cart', properties: { price: 39.95 } },
  page: { anonymousId: 'a-1', name: 'Docs' },
  screen: { userId: 'u-1', name: 'feed' },
  group: { userId: 'u-1', groupId: '56' },
  alias: { previousId: 'old', userId: 'new' },
}

/** The fields the six calls and the spec know, and the spec-typed fields nested inside them. */
const FIELDS = [
  'userId',
  'anonymousId',
  'event',
  'properties',
  'traits',
  'context',
  'integrations',
  'timestamp',
  'messageId',
  'name',
  'category',
  'groupId',
  'objectTypeId',
  'previousId',
  'type',
  'sentAt',
  'originalTimestamp',
  'receivedAt',
  'version',
  'library',
  '__proto__',
  'constructor',
  'toJSON',
]
const NESTED_FIELDS = [
  'email',
  'createdAt',
  'object_type_id',
  'title',
  'url',
  'path',
  'referrer',
  'search',
  'category',
  'ip',
  'locale',
  'userAgent',
  'active',
  'channel',
  'campaign',
  'page',
  'app',
  'device',
  'network',
  'os',
  'library',
  'type',
  'keywords',
  '__proto__',
  'constructor',
  'prototype',
  'toJSON',
]

function nest(depth: number): unknown {
  let value: object = { leaf: true }
  for (let i = 0; i < depth; i++) value = { d: value }
  // fast-check prints counterexamples recursively; a short name keeps its printer off the deep end.
  return Object.defineProperty(value, fc.toStringMethod, { value: () => `nest(${depth})` })
}

function cyclic(): unknown {
  const a: Record<string, unknown> = { name: 'a' }
  a.self = { back: a }
  return a
}

// Hostile objects carry a fast-check printer, so reporting a counterexample does not blow up too.
function throwingGetter(): unknown {
  const value = Object.defineProperty({}, 'boom', {
    enumerable: true,
    get: () => {
      throw new Error('getter exploded')
    },
  })
  return Object.defineProperty(value, fc.toStringMethod, { value: () => 'throwingGetter()' })
}

function hostileProxy(): unknown {
  return new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('ownKeys exploded')
      },
      get: (_target, key) => {
        if (key === fc.toStringMethod) return () => 'hostileProxy()'
        if (typeof key === 'symbol') return undefined
        throw new Error('get exploded')
      },
    },
  )
}

/** Leaves JSON cannot carry, or carries surprisingly. */
const nastyLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.bigInt(),
  fc.constant(Symbol('s')),
  fc.constant(() => 'fn'),
  fc.constant(undefined),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(new Date(8.64e15), new Date(-8.64e15), new Date(253402300800000), new Date(-62198755200000)),
  fc.oneof(fc.int8Array(), fc.float64Array({ maxLength: 4 }), fc.uint8ClampedArray({ maxLength: 4 })),
  fc.constantFrom('\ud800', 'a\udfffb', '\udc00\ud800', '\u2028\u2029', '\0', '\ufeff'),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.nat({ max: 40_000 }).map((n) => 'é'.repeat(n)),
  fc.integer({ min: 10, max: 5000 }).map(nest),
  fc.constant(null).map(cyclic),
  fc.constant(null).map(throwingGetter),
  fc.constant(null).map(hostileProxy),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')),
  fc.constant(null).map(() => Object.create(null, { k: { value: 'v', enumerable: true } })),
  fc.constant(null).map(() => new Map([['k', 1]])),
  fc.constant(null).map(() => ({
    toJSON: () => {
      throw new Error('toJSON exploded')
    },
  })),
  fc.constant(null).map(() => ({ toJSON: () => 'fine' })),
  fc.constant(null).map(
    () =>
      new (class Custom {
        x = 1
      })(),
  ),
)

/** JSON-ish values with nasty leaves and dangerous keys anywhere inside. */
const jsonish: fc.Arbitrary<unknown> = fc.anything({
  maxDepth: 3,
  maxKeys: 4,
  key: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...NESTED_FIELDS)),
  values: [fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 12 }), fc.constant(null), nastyLeaf],
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
})

/** An object whose known nested fields (traits.email, context.ip, ...) hold hostile values. */
const nestedObject = fc.dictionary(
  fc.constantFrom(...NESTED_FIELDS),
  fc.oneof(jsonish, fc.dictionary(fc.constantFrom(...NESTED_FIELDS), jsonish, { maxKeys: 3 })),
  { maxKeys: 4 },
)

/** One call: a type and its input, from wholly wrong to a valid call with a few hostile fields. */
const call = fc
  .record({
    type: fc.constantFrom(...TYPES),
    mode: fc.constantFrom('wild', 'fields', 'fields', 'nested', 'nested'),
    wild: jsonish,
    fields: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(jsonish, nestedObject), { minKeys: 1, maxKeys: 3 }),
  })
  .map(({ type, mode, wild, fields }) => {
    if (mode === 'wild') return { type, input: wild }
    const input: Record<string, unknown> = { ...BASE[type] }
    for (const [key, value] of Object.entries(fields)) {
      // Assign with defineProperty so "__proto__" becomes an own key, as JSON.parse would make it.
      if (mode === 'nested' && ['traits', 'properties', 'context'].includes(key)) {
        Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true })
      } else if (mode === 'fields') {
        Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true })
      }
    }
    return { type, input }
  })

const GOOD = (i: number): [MessageType, Record<string, unknown>] => [
  TYPES[i % TYPES.length]!,
  { ...BASE[TYPES[i % TYPES.length]!], messageId: `good-${i}` },
]

function makeClient(options: Partial<AnalyticsOptions> = {}) {
  const transport = new MemoryTransport()
  const client = new AnalyticsCore(
    { writeKey: 'fuzz-key', retryBackoff: () => 1, logger: silentLogger, flushAt: 7, ...options },
    { transport, library: LIBRARY },
  )
  return { client, transport }
}

type Outcome = { error: AnalyticsError | undefined; message: Message | undefined }

/** Calls `type` with `input`, recording every callback it gets (there must be exactly one). */
function invoke(client: AnalyticsCore, type: MessageType, input: unknown, seen: Outcome[][]): void {
  const mine: Outcome[] = []
  seen.push(mine)
  ;(client[type] as (params: unknown, callback: (e: Error | undefined, m: Message | undefined) => void) => void).call(
    client,
    input,
    (error, message) => void mine.push({ error: error as AnalyticsError | undefined, message }),
  )
}

/** What was sent is well-formed: schema-valid bodies within the byte limits. */
function expectHonestWire(transport: MemoryTransport): void {
  for (const request of transport.requests) {
    expect(utf8Length(request.raw)).toBeLessThanOrEqual(MAX_BATCH_BYTES)
    for (const message of request.body.batch) expect(utf8Length(JSON.stringify(message))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
    const errors = schemaErrors(request.body)
    if (errors.length > 0)
      throw new Error(`sent a body the schema rejects:\n${errors.slice(0, 5).join('\n')}\n${request.raw.slice(0, 1500)}`)
  }
}

describe('fuzz: the public calls with hostile input', () => {
  it(
    'never throw; good messages in the same batch are delivered; each bad one gets exactly one clear error',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), fc.nat(), async (calls, goodSeed) => {
          const { client, transport } = makeClient()
          const seen: Outcome[][] = []
          const good = new Set<number>()
          calls.forEach(({ type, input }, i) => {
            // Interleave good calls with the hostile ones so they share batches.
            const [goodType, goodInput] = GOOD(goodSeed + i)
            good.add(seen.length)
            invoke(client, goodType, goodInput, seen)
            expect(() => invoke(client, type, input, seen)).not.toThrow()
          })
          await client.close({ timeout: 5000 })
          for (const [index, outcomes] of seen.entries()) {
            expect(outcomes, `call ${index} gets exactly one callback`).toHaveLength(1)
            const { error } = outcomes[0]!
            if (good.has(index)) {
              expect(error, `good call ${index} is delivered`).toBeUndefined()
            } else if (error) {
              expect(error).toBeInstanceOf(AnalyticsError)
              expect(INPUT_REASONS).toContain(error.reason)
              // The message names the call, and is one readable line.
              expect(error.message).toMatch(/^(identify|track|page|screen|group|alias): \S/)
              expect(error.message).not.toMatch(/[\r\n]/)
              expect(error.message.length).toBeLessThan(400)
            }
          }
          const delivered = seen.filter((outcomes) => outcomes[0]!.error === undefined).length
          expect(transport.messages).toHaveLength(delivered)
          expect(client.stats).toMatchObject({ delivered, failed: seen.length - delivered, queued: 0, sending: 0 })
          expectHonestWire(transport)
        }),
        params(),
      )
    },
    TIMEOUT,
  )

  it(
    'strict mode throws only AnalyticsErrors about the input, synchronously; nothing else escapes',
    async () => {
      await fc.assert(
        fc.asyncProperty(call, async ({ type, input }) => {
          const { client, transport } = makeClient({ strict: true, flushAt: 1 })
          let thrown: unknown
          try {
            ;(client[type] as (params: unknown) => void).call(client, input)
          } catch (error) {
            thrown = error
          }
          if (thrown !== undefined) {
            expect(thrown).toBeInstanceOf(AnalyticsError)
            expect(INPUT_REASONS).toContain((thrown as AnalyticsError).reason)
          }
          await client.close({ timeout: 5000 })
          expect(transport.messages).toHaveLength(thrown === undefined ? 1 : 0)
          expectHonestWire(transport)
        }),
        params(),
      )
    },
    TIMEOUT,
  )

  it(
    'defaultContext and integrations options: a ConfigError, or every message still validates',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(jsonish, nestedObject), fc.oneof(jsonish, nestedObject), async (defaultContext, integrations) => {
          let made: ReturnType<typeof makeClient>
          try {
            made = makeClient({ defaultContext: defaultContext as never, integrations: integrations as never })
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError)
            return
          }
          const { client, transport } = made
          const seen: Outcome[][] = []
          for (let i = 0; i < 6; i++) invoke(client, ...GOOD(i), seen)
          await client.close({ timeout: 5000 })
          expect(seen.map((outcomes) => outcomes.length)).toEqual(Array(6).fill(1))
          // Delivered, unless the default context leaves a message no room under 32,000 bytes.
          for (const [outcome] of seen) if (outcome!.error) expect(outcome!.error.reason).toBe('too_large')
          expectHonestWire(transport)
        }),
        params(Math.ceil(RUNS / 2)),
      )
    },
    TIMEOUT,
  )

  it(
    'byte limits hold for messages near 32,000 bytes and batches near 500,000 (multi-byte text)',
    async () => {
      const char = fc.constantFrom('a', 'é', '€', '😀', '\ud800', '"', '\\', '\u0001')
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(char, fc.integer({ min: 5000, max: 33_000 })), { minLength: 1, maxLength: 40 }),
          async (blobs) => {
            const { client, transport } = makeClient({ flushAt: 1000 })
            const seen: Outcome[][] = []
            for (const [c, bytes] of blobs) {
              invoke(
                client,
                'track',
                { userId: 'u', event: 'big', properties: { blob: c.repeat(Math.floor(bytes / utf8Length(JSON.stringify(c)))) } },
                seen,
              )
            }
            await client.close({ timeout: 5000 })
            for (const outcomes of seen) {
              expect(outcomes).toHaveLength(1)
              if (outcomes[0]!.error) expect(outcomes[0]!.error.reason).toBe('too_large')
            }
            expect(transport.messages).toHaveLength(seen.filter((o) => !o[0]!.error).length)
            expectHonestWire(transport)
          },
        ),
        params(Math.ceil(RUNS / 6)),
      )
    },
    TIMEOUT,
  )
})
