// `@cdp-analytics/node/ky`: the ky transport of the core (`@cdp-analytics/core/ky`); ky is an optional peer dependency.
export { createKyTransport } from '@cdp-analytics/core/ky'
export type { KyTransportOptions } from '@cdp-analytics/core/ky'
