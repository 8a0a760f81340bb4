/**
 * Delivery through Redis Streams for the Node.js client: the producer transport and the forwarder.
 *
 * @module @cdp-analytics/node/redis
 */
export * from '@cdp-analytics/node/redis'
