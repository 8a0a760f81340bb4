// One app, two copies of the core: the CommonJS build (require) and the ES module build (import).
// `err instanceof AnalyticsError` must hold whichever copy made the error (issue 10, section 4).
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import * as esm from '@cdp-analytics/core'

const cjs = createRequire(import.meta.url)('@cdp-analytics/core') as typeof esm

describe('instanceof across the CommonJS and ES module builds', () => {
  it('the two builds are distinct copies', () => {
    expect(cjs.AnalyticsError).not.toBe(esm.AnalyticsError)
  })

  const made = {
    ValidationError: () => new cjs.ValidationError('track: "event" is required', 'track', 'event'),
    DeliveryError: () => new cjs.DeliveryError('delivery failed: HTTP 500', 'retries_exhausted', 500, 11),
    QueueFullError: () => new cjs.QueueFullError('queue is full'),
  }
  it.each([
    ['ValidationError', 'AnalyticsError', true],
    ['ValidationError', 'ValidationError', true],
    ['ValidationError', 'DeliveryError', false],
    ['DeliveryError', 'AnalyticsError', true],
    ['DeliveryError', 'DeliveryError', true],
    ['DeliveryError', 'QueueFullError', false],
    ['QueueFullError', 'QueueFullError', true],
  ] as const)('a CJS %s instanceof the ESM %s: %s', (kind, against, expected) => {
    const error = made[kind]()
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: a test picking classes from a table
    expect(error instanceof esm[against]).toBe(expected)
    expect(error instanceof cjs[against]).toBe(expected)
    expect(error.name).toBe(kind)
  })

  it.each([
    ['a plain Error', new Error('x')],
    ['an object named like one', { name: 'ValidationError', reason: 'invalid' }],
    ['null', null],
  ])('%s is no AnalyticsError', (_name, value) => {
    expect(value instanceof esm.AnalyticsError).toBe(false)
    expect(value instanceof esm.ValidationError).toBe(false)
  })

  it('an error from one copy reaches a callback checked with the other', async () => {
    const { Analytics } = await import('../src/index.js')
    const analytics = new Analytics({ writeKey: 'wk', flushOnExit: false, logger: { debug() {}, info() {}, warn() {}, error() {} } })
    const error = await new Promise((resolve) => analytics.track({ userId: 'u' } as never, (err) => resolve(err)))
    expect(error instanceof cjs.ValidationError).toBe(true)
    expect(error instanceof esm.ValidationError).toBe(true)
    await analytics.close({ timeout: 0 })
  })
})
