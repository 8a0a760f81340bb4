// What a failed delivery tells the user (issue 10, section 4): the cause of a network error, a
// URL fetch refuses outright, and a refused status with an empty body. Real HTTP throughout.
import { describe, expect, it } from 'vitest'
import type { DeliveryError } from '../src/index.js'
import { client, collector, deadPort, outcomes } from './helpers/setup.js'

async function failureOf(endpoint: string, options = {}) {
  const analytics = client(endpoint, { maxRetries: 1, ...options })
  const requests: number[] = []
  analytics.on('request', ({ attempt }) => requests.push(attempt))
  const { callback, settled, results } = outcomes(1)
  analytics.track({ userId: 'u', event: 'e' }, callback)
  await analytics.flush()
  await settled
  return { error: results[0]!.error as DeliveryError, attempts: requests.length }
}

describe('a failed delivery says why', () => {
  it('a refused connection: err.cause is the network error, its code is in the message', async () => {
    const { error, attempts } = await failureOf(`http://127.0.0.1:${await deadPort()}`)
    expect(error.reason).toBe('retries_exhausted')
    expect(attempts).toBe(2)
    expect(error.message).toMatch(/ECONNREFUSED/)
    expect(error.cause).toBeInstanceOf(Error)
    expect(((error.cause as Error).cause as { code?: string }).code).toBe('ECONNREFUSED')
  })

  it('a port fetch refuses (6000, "bad port"): rejected at once, not retried', async () => {
    const { error, attempts } = await failureOf('http://127.0.0.1:6000', { maxRetries: 5 })
    expect(error.reason).toBe('rejected')
    expect(attempts).toBe(1)
    expect(error.message).toMatch(/bad port.*check endpoint/)
    expect(error.cause).toBeInstanceOf(Error)
  })

  it.each([
    [401, /HTTP 401 \(check writeKey/],
    [404, /HTTP 404 \(check endpoint/],
  ])('HTTP %i with an empty body: the hint is in the message', async (status, hint) => {
    const local = await collector()
    local.setDefaultResponse({ status, body: '' })
    const { error } = await failureOf(local.url)
    expect(error.reason).toBe('rejected')
    expect(error.status).toBe(status)
    expect(error.message).toMatch(hint)
  })
})
