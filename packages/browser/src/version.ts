/** Sent as context.library.version; test/version.test.ts keeps it equal to package.json. */
export const VERSION = '0.1.0'
export const LIBRARY = { name: '@cdp-analytics/browser', version: VERSION } as const
