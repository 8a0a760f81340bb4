/**
 * A transport over your own [ky](https://github.com/sindresorhus/ky) instance (ky is an optional peer dependency).
 *
 * @module @cdp-analytics/core/ky
 */
export * from '@cdp-analytics/core/ky'
