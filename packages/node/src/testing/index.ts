// Public API of `@cdp-analytics/node/testing`: a real local collector for POST /v1/batch, and the
// wire-format checks it applies, for development and tests.
export { startCollector } from './collector.js'
export { checkTransport, MAX_DETAIL_CHARS } from './check-transport.js'
export type { CheckTransportOptions, TransportRule, TransportViolation } from './check-transport.js'
export type {
  BatchMessage,
  Collector,
  CollectorOptions,
  RecordedRequest,
  ResponseAction,
  ResponsePlan,
  WaitOptions,
} from './types.js'
export {
  validateBatchBody,
  checkBatchLimits,
  MAX_BATCH_BYTES,
  MAX_MESSAGE_BYTES,
} from './wire-schema.js'
export { isRfc3339DateTime } from './date-time.js'
export { basicAuthorization } from './verdict.js'
