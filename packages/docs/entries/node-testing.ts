/**
 * For your tests: a local collector on 127.0.0.1 that validates every request body against the API's schema.
 *
 * @module @cdp-analytics/node/testing
 */
export * from '@cdp-analytics/node/testing'
