/**
 * The runtime-neutral core that the node and edge clients are built on: builders, validation, batching, retries, `MemoryTransport` for tests.
 *
 * @module @cdp-analytics/core
 */
export * from '@cdp-analytics/core'
