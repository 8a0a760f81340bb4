// The ky transport with a user's own configured instance: its hooks run, while retries, timeouts,
// HTTP errors and redirects stay the core's, whatever the instance says.
import ky from 'ky'
import { describe, expect, it } from 'vitest'
import type { DeliveryError } from '../src/index.js'
import { createKyTransport } from '../src/ky.js'
import { client, collector, outcomes } from './helpers/setup.js'

describe('createKyTransport({ ky })', () => {
  it("runs the instance's hooks: beforeRequest adds a tracing header, afterResponse logs", async () => {
    const local = await collector()
    const logged: string[] = []
    const traced = ky.create({
      hooks: {
        beforeRequest: [(request) => request.headers.set('x-trace-id', 'trace-123')],
        afterResponse: [(_request, _options, response) => void logged.push(`${response.status}`)],
      },
    })
    const analytics = client(local.url, { transport: createKyTransport({ ky: traced }), flushAt: 2 })
    const { callback, settled, results } = outcomes(2)
    analytics.track({ userId: 'u-1', event: 'a' }, callback)
    analytics.track({ userId: 'u-1', event: 'b' }, callback)
    await settled
    expect(results.map((r) => r.error)).toEqual([undefined, undefined])
    expect(local.requests.map((r) => r.headers['x-trace-id'])).toEqual(['trace-123'])
    expect(logged).toEqual(['200'])
  })

  it.each([
    ["ky's retry (5) never re-sends: the core's maxRetries (0) decides", { retry: 5 }, { status: 500 }, 'retries_exhausted'],
    ["ky's throwHttpErrors (true) never turns a 400 into a network error", { throwHttpErrors: true }, { status: 400 }, 'rejected'],
    [
      "ky's timeout (50 ms) never cuts a 300 ms answer: the core's timeout decides",
      { timeout: 50 },
      { status: 200, delayMs: 300 },
      undefined,
    ],
    ['a redirect is reported, not followed', {}, { status: 307, redirectTo: 'http://127.0.0.1:9/v1/batch' }, 'rejected'],
  ] as const)('%s', async (_name, kyOptions, plan, reason) => {
    const local = await collector()
    local.setDefaultResponse(plan)
    const analytics = client(local.url, {
      transport: createKyTransport({ ky: ky.create(kyOptions) }),
      flushAt: 1,
      maxRetries: 0,
      timeout: 2000,
    })
    const { callback, settled, results } = outcomes(1)
    analytics.track({ userId: 'u-1', event: 'e' }, callback)
    await settled
    expect(results[0]!.error?.reason).toBe(reason)
    if (plan.status !== 200) expect((results[0]!.error as DeliveryError | undefined)?.status).toBe(plan.status)
    expect(local.requests).toHaveLength(1)
  })

  it("the core's timeout still applies through ky", async () => {
    const local = await collector()
    local.setDefaultResponse({ action: 'hang' })
    const analytics = client(local.url, { transport: createKyTransport(), flushAt: 1, maxRetries: 0, timeout: 200 })
    const { callback, settled, results } = outcomes(1)
    const started = Date.now()
    analytics.track({ userId: 'u-1', event: 'e' }, callback)
    await settled
    expect(results[0]!.error?.message).toMatch(/request timed out/)
    expect(Date.now() - started).toBeLessThan(5000) // a hang lasts until the collector closes
  })
})
