export { AnalyticsCore } from './client.js'
export type { AnalyticsEvents, AnalyticsStats, CloseOptions, Runtime } from './client.js'
export type { AnalyticsOptions } from './options.js'
export { DurableCore } from './durable.js'
export type { DurableStats } from './durable.js'
export { parseStored } from './store.js'
export type { MessageStore, StoreItem, StoredMessage } from './store.js'
export { storedAction } from './stored-action.js'
export { nearestName } from './unknown-options.js'
export { within } from './within.js'
export type { StoredAction } from './stored-action.js'
export { defineTrackingPlan } from './plan.js'
export type {
  GroupParamsOf,
  IdentifyParamsOf,
  PlanEvents,
  PlannedTrackParams,
  PlannedTraitsParams,
  TrackingPlan,
  TrackingPlanDefinition,
  TrackParamsOf,
  UndeclaredEvents,
} from './plan.js'
export { DEFAULT_ENDPOINT, REGION_ENDPOINTS, batchUrl, checkConnection } from './options.js'
export type { Region } from './options.js'
export {
  AnalyticsError,
  ClosedError,
  ConfigError,
  DeliveryError,
  MessageTooLargeError,
  QueueFullError,
  SerializationError,
  ValidationError,
} from './errors.js'
export type { FailureReason } from './errors.js'
export type { Transport, TransportRequest, TransportResult } from './transport.js'
export { MemoryTransport } from './memory-transport.js'
export type { RecordedRequest, ScriptedResult } from './memory-transport.js'
export { createFetchTransport, readDetail } from './fetch-transport.js'
export { readDetailUntilAborted } from './read-until-aborted.js'
export { MIN_COMPRESS_BYTES, bodyText, encodeBody, gzip, gunzipText } from './compress.js'
export type { BodyReader, FetchTransportOptions } from './fetch-transport.js'
export { decideAttempt, defaultBackoff, isRetryableStatus, parseRetryAfter, withJitter } from './retry-policy.js'
export type { AttemptOutcome, NetworkErrorReading, RetrySettings } from './retry-policy.js'
export { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, batchBodyBytes, fitsInBatch, utf8Length } from './limits.js'
export type { BodyEncoder, RequestInfo, RetryInfo } from './deliver.js'
export type {
  AliasParams,
  Callback,
  ErrorCallback,
  Outcome,
  CommonFields,
  GroupParams,
  IdentifyParams,
  Identity,
  JsonObject,
  Logger,
  Message,
  MessageType,
  PageParams,
  ParamsByType,
  ScreenParams,
  TimerHost,
  CancelTimer,
  TrackParams,
} from './types.js'
export type {
  Address,
  Context,
  GroupTraits,
  PageProperties,
  Product,
  Properties,
  RelationshipAttributes,
  ScreenProperties,
  Traits,
} from './fields.js'
export {
  SEMANTIC_EVENTS,
  addDevice,
  deleteDevice,
  deleteObject,
  deletePerson,
  deleteRelationship,
  reportDelivery,
  suppressPerson,
  unsuppressPerson,
} from './customerio/semantic-events.js'
export type {
  AddDeviceParams,
  DeleteDeviceParams,
  DeleteObjectParams,
  DeleteRelationshipParams,
  DeliveryMetric,
  ObjectRef,
  PersonParams,
  ReportDeliveryParams,
  SemanticHelper,
  SemanticTarget,
} from './customerio/semantic-events.js'
export { JOURNEYS_LIMITS, findLimitIssues, journeysLimits } from './customerio/journeys-limits.js'
export type {
  JourneysLimitsOptions,
  LimitCode,
  LimitFinding,
  LimitWarning,
  LimitsCheck,
  MessageCheck,
} from './customerio/journeys-limits.js'
