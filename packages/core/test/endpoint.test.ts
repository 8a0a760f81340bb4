// `endpoint` is the base URL; the client appends /v1/batch. One that already ends in the API's
// path would send to /v1/batch/v1/batch, which the API answers 404: warn at construction.
import { describe, expect, it, vi } from 'vitest'
import { makeClient } from './helpers/client.js'

describe('endpoint', () => {
  it.each([
    ['https://cdp.customer.io', false],
    ['https://cdp.customer.io/', false],
    ['https://proxy.example.com/cio', false],
    ['https://cdp.customer.io/v1', true],
    ['https://cdp.customer.io/v1/', true],
    ['https://cdp.customer.io/v1/batch', true],
    ['https://proxy.example.com/cio/v1/batch/', true],
  ])('%s: warns %s', (endpoint, warns) => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() }
    makeClient({ endpoint, logger })
    expect(logger.warn.mock.calls.some((call) => /must be the base URL/.test(String(call[0])))).toBe(warns)
  })
})
