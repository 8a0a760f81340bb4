/**
 * The client for Node.js 20+: servers, scripts, workers; `closeOnSignals` for graceful shutdown.
 *
 * @module @cdp-analytics/node
 */
export * from '@cdp-analytics/node'
