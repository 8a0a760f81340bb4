// `region` picks the API's host; with an `endpoint` too, the two must not name different regions,
// since the wrong region answers 200 and drops the data (issue 9). `strictMode` asks the API for
// real 400s with `X-Strict-Mode: 1`.
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/errors.js'
import { makeClient, outcomes } from './helpers/client.js'

async function requestOf(options: Parameters<typeof makeClient>[0]) {
  const { client, transport } = makeClient(options)
  const { settled, callback } = outcomes(1)
  client.track({ userId: 'u1', event: 'Signed Up' }, callback)
  await client.flush()
  await settled
  const [request] = transport.requests
  if (!request) throw new Error('nothing was sent')
  return request
}

describe('region', () => {
  it.each([
    [{}, 'https://cdp.customer.io/v1/batch'],
    [{ region: 'us' }, 'https://cdp.customer.io/v1/batch'],
    [{ region: 'eu' }, 'https://cdp-eu.customer.io/v1/batch'],
    [{ region: 'eu', endpoint: 'https://cdp-eu.customer.io/' }, 'https://cdp-eu.customer.io/v1/batch'],
    [{ region: 'us', endpoint: 'https://cdp.customer.io' }, 'https://cdp.customer.io/v1/batch'],
    // A proxy in front of either region: the endpoint is taken as given.
    [{ region: 'eu', endpoint: 'https://proxy.example.com/cio' }, 'https://proxy.example.com/cio/v1/batch'],
    [{ endpoint: 'https://cdp-eu.customer.io' }, 'https://cdp-eu.customer.io/v1/batch'],
    [{ region: 'us', endpoint: 'https://proxy.customer.io.example.com' }, 'https://proxy.customer.io.example.com/v1/batch'],
  ] as const)('%j sends to %s', async (options, url) => {
    expect((await requestOf(options)).url).toBe(url)
  })

  it.each([
    [{ region: 'EU' }, 'https://cdp-eu.customer.io/v1/batch'],
    [{ region: 'Us', endpoint: 'https://cdp.customer.io' }, 'https://cdp.customer.io/v1/batch'],
  ] as const)('any case: %j sends to %s (issue 20)', async (options, url) => {
    expect((await requestOf(options as never)).url).toBe(url)
  })

  it.each([
    [
      { region: 'eu', endpoint: 'https://cdp.customer.io' },
      'endpoint https://cdp.customer.io is the other region\'s host (region is "eu"): drop endpoint, or fix region',
    ],
    [
      { region: 'US', endpoint: 'https://cdp-eu.customer.io/' },
      'endpoint https://cdp-eu.customer.io/ is the other region\'s host (region is "us"): drop endpoint, or fix region',
    ],
    // Never an endpoint nobody passed (issue 20).
    [{ region: 'mars' }, /^region must be "us" or "eu" \(got "mars"\)$/],
    [{ region: 'toString' }, /^region must be "us" or "eu" \(got "toString"\)$/],
    [{ region: 1 }, /^region must be "us" or "eu" \(got number\)$/],
    [{ region: 'eu', endpoint: 'not a url' }, /endpoint must be an absolute URL/],
  ])('%j is a ConfigError', (options, text) => {
    expect(() => makeClient(options as never)).toThrow(ConfigError)
    expect(() => makeClient(options as never)).toThrow(text)
  })
})

describe('strictMode', () => {
  it.each([
    [{ strictMode: true }, '1'],
    [{ strictMode: false }, undefined],
    [{}, undefined],
  ])('%j sends X-Strict-Mode: %s', async (options, header) => {
    expect((await requestOf(options)).headers['X-Strict-Mode']).toBe(header)
  })

  it("leaves the caller's headers object untouched", async () => {
    const headers = { 'X-Proxy': 'a' }
    const request = await requestOf({ strictMode: true, headers })
    expect(request.headers['X-Proxy']).toBe('a')
    expect(headers).toEqual({ 'X-Proxy': 'a' })
  })
})
