// `endpoint` is the base URL; the client appends /v1/batch. One that already ends in the API's
// path would send every request to .../v1/v1/batch, which the API answers 404: a ConfigError at
// construction naming the URL it should be (issue 20), not a warning followed by certain failure.
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/errors.js'
import { makeClient } from './helpers/client.js'

describe('endpoint', () => {
  it.each(['https://cdp.customer.io', 'https://cdp.customer.io/', 'https://proxy.example.com/cio', 'https://proxy.example.com/v1x'])(
    '%s is a base URL',
    (endpoint) => {
      expect(() => makeClient({ endpoint })).not.toThrow()
    },
  )

  it.each([
    ['https://cdp.customer.io/v1', 'endpoint must be the base URL, without /v1: use https://cdp.customer.io'],
    ['https://cdp.customer.io/v1/', 'endpoint must be the base URL, without /v1: use https://cdp.customer.io'],
    ['https://cdp.customer.io/v1/batch', 'endpoint must be the base URL, without /v1/batch: use https://cdp.customer.io'],
    ['https://proxy.example.com/cio/v1/batch/', 'endpoint must be the base URL, without /v1/batch: use https://proxy.example.com/cio'],
  ])('%s is a ConfigError: %s', (endpoint, text) => {
    expect(() => makeClient({ endpoint })).toThrow(ConfigError)
    expect(() => makeClient({ endpoint })).toThrow(text)
  })
})
