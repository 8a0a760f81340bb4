// The per-request timeout and close()'s deadline cut a response whose body trickles in, even when
// the fetch underneath loses the abort. ky hands fetch an AbortSignal.any of ours and its own that
// nothing holds once ky has returned the response; a garbage collection drops it and the abort never
// reached the body, so the request lasted as long as the server took (seen as a 5 s close() in CI).
// A user's fetch wrapper that does the same is covered alike. Collections are forced every 20 ms.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFetchTransport, type Transport } from '../src/index.js'
import { createKyTransport } from '../src/ky.js'
import { client, collector, outcomes } from './helpers/setup.js'

/** V8's gc(), without starting Node with --expose-gc. */
setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

const TRANSPORTS: [string, () => Transport][] = [
  ['ky', () => createKyTransport()],
  [
    'fetch through a wrapper that builds its Request on an AbortSignal.any, as ky does',
    () =>
      createFetchTransport({
        fetch: (input, init) =>
          fetch(new Request(input, { ...init, signal: AbortSignal.any([init!.signal!, new AbortController().signal]) })),
      }),
  ],
]
const CUTS = [
  ["close({ timeout })'s deadline", { timeout: 10_000 }, 300],
  ['the per-request timeout', { timeout: 300 }, undefined],
] as const

/** How long the collector takes to send the body: what a lost abort costs. */
const BODY_MS = 15_000

let collecting: ReturnType<typeof setInterval>
beforeEach(() => {
  collecting = setInterval(collectGarbage, 20)
})
afterEach(() => clearInterval(collecting))

describe('a body that trickles in is cut, garbage collections or not', () => {
  it.each(
    TRANSPORTS.flatMap(([transport, make]) =>
      CUTS.map(([cut, options, closeTimeout]) => [transport, cut, make, options, closeTimeout] as const),
    ),
  )('%s: %s', async (_transport, _cut, make, options, closeTimeout) => {
    const local = await collector()
    local.setDefaultResponse({ status: 200, action: 'slow-body', delayMs: BODY_MS })
    const analytics = client(local.url, { transport: make(), flushAt: 1, maxRetries: 0, ...options })
    const { callback, settled, results } = outcomes(1)
    const started = Date.now()
    analytics.track({ userId: 'u-1', event: 'e' }, callback)
    await local.waitForRequests(1)
    if (closeTimeout !== undefined) await analytics.close({ timeout: closeTimeout })
    await settled
    expect(Date.now() - started).toBeLessThan(BODY_MS / 3)
    expect(results[0]!.error).toBeUndefined() // the status arrived: delivered, the rest of the body unread
  })
})
