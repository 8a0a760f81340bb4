/**
 * The ky transport for the Node.js client.
 *
 * @module @cdp-analytics/node/ky
 */
export * from '@cdp-analytics/node/ky'
