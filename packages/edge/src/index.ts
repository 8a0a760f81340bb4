export { Analytics, EDGE_MAX_IN_FLIGHT } from './analytics.js'
export type { EdgeAnalyticsOptions, RequestAnalytics } from './analytics.js'
export { withAnalytics } from './with-analytics.js'
export { createEdgeTransport, MIN_COMPRESS_BYTES } from './transport.js'
export type { EdgeTransportOptions } from './transport.js'
export type { WaitUntil, WaitUntilContext } from './wait-until.js'
export { VERSION } from './version.js'
export * from '@cdp-analytics/core'
export { createQueueConsumer } from './queue-consumer.js'
export type { QueueConsumerOptions, QueueHandler, QueueRejection } from './queue-consumer.js'
export {
  createQueueTransport,
  MAX_QUEUE_BATCH_BYTES,
  MAX_QUEUE_MESSAGE_BYTES,
  MAX_QUEUE_SEND_BYTES,
  MAX_QUEUE_SEND_COUNT,
  splitForQueue,
} from './queue.js'
export type {
  QueueBatch,
  QueuedBatch,
  QueueMessage,
  QueueProducer,
  QueueSendRequest,
  QueueTransportOptions,
} from './queue.js'
