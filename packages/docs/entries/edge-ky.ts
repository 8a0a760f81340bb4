/**
 * The ky transport for the edge client.
 *
 * @module @cdp-analytics/edge/ky
 */
export * from '@cdp-analytics/edge/ky'
