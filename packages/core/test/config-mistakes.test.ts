// Config errors name the real mistake (issue 20): JavaScript users see only these, often with
// values read from environment variables (strings) or typed by hand (misspelt option names).
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../src/errors.js'
import { nearestName, OPTION_NAMES } from '../src/unknown-options.js'
import { makeClient } from './helpers/client.js'

describe('a ConfigError that names the mistake', () => {
  it.each([
    [{ writeKey: undefined }, 'writeKey is required: the API key of your Customer.io HTTP source (got undefined)'],
    [{ writeKey: 12345 }, 'writeKey must be a string: the API key of your Customer.io HTTP source (got number)'],
    [{ writeKey: '  ' }, 'writeKey must not be empty: the API key of your Customer.io HTTP source (got "  ")'],
    [{ flushAt: '20' }, 'flushAt must be an integer of at least 1 (got "20", a string: convert it with Number())'],
    [{ maxRetries: -1 }, 'maxRetries must be an integer of at least 0 (got -1)'],
    [{ timeout: 1.5 }, 'timeout must be an integer of at least 1 (got 1.5)'],
    [{ flushInterval: Number.NaN }, 'flushInterval must be an integer of at least 0 (got NaN)'],
  ])('%j: %s', (options, text) => {
    const make = () => makeClient(options as never)
    expect(make).toThrow(ConfigError)
    expect(make).toThrow(text)
  })
})

describe('an option nobody reads', () => {
  function warningsOf(options: Record<string, unknown>) {
    const warned: string[] = []
    makeClient({ ...options, logger: { debug() {}, info() {}, warn: (line) => void warned.push(line), error() {} } })
    return warned
  }

  it.each([
    [{ flushat: 5 }, 'cdp-analytics: unknown option "flushat" is ignored: did you mean flushAt?'],
    [{ flush_interval: 1000 }, 'cdp-analytics: unknown option "flush_interval" is ignored: did you mean flushInterval?'],
    [{ maxQueSize: 10 }, 'cdp-analytics: unknown option "maxQueSize" is ignored: did you mean maxQueueSize?'],
    [{ write_key: 'k' }, 'cdp-analytics: unknown option "write_key" is ignored: did you mean writeKey?'],
    [{ colour: 'blue' }, 'cdp-analytics: unknown option "colour" is ignored'],
  ])('%j is warned about, naming the nearest option', (options, line) => {
    expect(warningsOf(options)).toEqual([line])
  })

  it('is warned about once per process, however many clients are made with it', () => {
    expect(warningsOf({ flushIntervall: 1 })).toHaveLength(1)
    expect(warningsOf({ flushIntervall: 1 })).toEqual([])
  })

  it('every known option, and an adapter option the runtime declares, is not warned about', () => {
    expect(warningsOf({ region: 'us', flushAt: 5, maxRetries: 1, strictMode: false, compress: false })).toEqual([])
  })

  it.each([
    ['flushat', 'flushAt'],
    ['FLUSHAT', 'flushAt'],
    ['flush-at', 'flushAt'],
    ['maxretry', 'maxRetries'],
    ['endpint', 'endpoint'],
    ['x', undefined],
    ['zzzzzzzz', undefined],
  ])('nearestName(%s) is %s', (name, near) => {
    expect(nearestName(name, OPTION_NAMES)).toBe(near)
  })
})
