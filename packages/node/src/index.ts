export { Analytics } from './analytics.js'
export type { NodeAnalyticsOptions } from './analytics.js'
export { VERSION } from './version.js'
export { createHttpTransport } from './http-transport.js'
export type { HttpTransport, HttpTransportOptions } from './http-transport.js'
// Overrides the core's export of the same name (an explicit export wins over `export *`).
export { createFetchTransport } from './fetch-transport.js'
export type { NodeFetchTransportOptions } from './fetch-transport.js'
export * from '@cdp-analytics/core'
