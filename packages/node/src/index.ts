export { Analytics } from './analytics.js'
export type { NodeAnalyticsOptions } from './analytics.js'
export { VERSION } from './version.js'
export * from '@cdp-analytics/core'
