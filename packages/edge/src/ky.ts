// `@cdp-analytics/edge/ky`: the ky transport of the core (`@cdp-analytics/core/ky`); ky is an optional
// peer dependency, and the default bundle (`@cdp-analytics/edge`) never contains it.
export { createKyTransport } from '@cdp-analytics/core/ky'
export type { KyTransportOptions } from '@cdp-analytics/core/ky'
