/**
 * Customer.io's semantic events as typed helpers (issue 9): each is a `track` with a fixed event
 * name and shape that makes Journeys act (delete a person, add a push device, ...). Each helper
 * checks its own fields first and reports a mistake through the call's one outcome, like every
 * call; the message then goes through the client's usual validation, batching and retries. A
 * tracking plan does not judge these events: their names are Customer.io's, not the plan's.
 *
 * Where Customer.io's live docs and its API reference disagree, the helpers follow the docs and,
 * where that costs nothing, also write the reference's field (README, "Customer.io semantic events"):
 * - the device token goes in `context.device` (the docs' schema) and `properties.device` (the
 *   reference's, and the docs' own example);
 * - a deleted object is `Object Deleted` (the docs and Segment's Customer.io destination), not
 *   the reference's `Group Deleted`; its id is the top-level `groupId` and `properties.objectId`,
 *   plus `properties.groupId` for the reference;
 * - `objectTypeId` is a string of digits (the docs), not the reference's integer.
 */
import type { AnalyticsCore } from '../client.js'
import { ValidationError } from '../errors.js'
import { isPlainObject } from '../merge.js'
import { callbackMistake } from '../messages/build.js'
import { mustBe } from '../messages/describe.js'
import { isNonEmptyString as nonEmpty } from '../messages/schemas.js'
import { isObjectTypeId, OBJECT_TYPE_ID } from '../messages/typed-fields.js'
import type { Context } from '../fields.js'
import type { Callback, CommonFields, ErrorCallback, Identity, TrackParams } from '../types.js'

/** Event names Customer.io gives a meaning. */
export const SEMANTIC_EVENTS = {
  deletePerson: 'User Deleted',
  suppressPerson: 'User Suppressed',
  unsuppressPerson: 'User Unsuppressed',
  addDevice: 'Device Created or Updated',
  deleteDevice: 'Device Deleted',
  deleteRelationship: 'Relationship Deleted',
  deleteObject: 'Object Deleted',
  reportDelivery: 'Report Delivery Event',
} as const

/** The delivery metrics a `Report Delivery Event` takes. */
export type DeliveryMetric = 'delivered' | 'opened' | 'clicked' | 'converted'
const DELIVERY_METRICS: readonly DeliveryMetric[] = ['delivered', 'opened', 'clicked', 'converted']

/**
 * What the helpers send through: a client (Node or edge), or a request's view of one
 * (`analytics.bind(ctx)` on the edge).
 */
// biome-ignore lint/suspicious/noExplicitAny: a client of any tracking plan; the plan does not apply here
export type SemanticTarget = Pick<AnalyticsCore<any>, 'track'>

/**
 * A semantic helper: `(analytics, params, callback?)`. Like every call, the callback receives the
 * outcome pair (`if (!err)` narrows the message) or reads only the error.
 */
export interface SemanticHelper<P> {
  (target: SemanticTarget, params: P, callback?: Callback): void
  (target: SemanticTarget, params: P, callback?: ErrorCallback): void
}

type Outcome = Callback | ErrorCallback | undefined

/** A person known by `userId`: Customer.io acts on people by their id. */
export interface PersonParams extends CommonFields {
  userId: string
}

export interface AddDeviceParams extends PersonParams {
  /** The push token of the device (APNs or FCM). */
  token: string
  /** The platform; Customer.io takes only these two. */
  type?: 'ios' | 'android'
  /** Other attributes of the device (such as `app_version`), stored with it. */
  attributes?: Record<string, unknown>
}

export interface DeleteDeviceParams extends PersonParams {
  /** The push token of the device to remove. */
  token: string
}

export interface ObjectRef {
  /** The object's id: the `groupId` it was created with in `group()`. */
  objectId: string
  /** The object type, a string of digits; Customer.io assumes `"1"` when absent. */
  objectTypeId?: string
}

export interface DeleteRelationshipParams extends CommonFields, Identity, ObjectRef {}

export interface DeleteObjectParams extends CommonFields, ObjectRef {}

export interface ReportDeliveryParams extends CommonFields, Identity {
  /** The id of the delivery (a message Customer.io sent), from its payload. */
  deliveryId: string
  metric: DeliveryMetric
  /** Who received it: an email address, a phone number or a device token. */
  recipient?: string
  /** Why, for a failure metric. */
  reason?: string
  /** The link clicked, for `clicked`. */
  href?: string
  /** The in-app action taken, and its value. */
  actionName?: string
  actionValue?: string
}

/** One rule of a helper's input: `ok` sees the field's value and the whole params. */
type Check = { field: string; expected: string; ok: (value: unknown, params: Record<string, unknown>) => boolean }

const required = (field: string): Check => ({ field, expected: 'a non-empty string', ok: nonEmpty })
const optionalText = (field: string): Check => ({
  field,
  expected: 'a string',
  ok: (value) => value === undefined || typeof value === 'string',
})
const objectTypeId: Check = {
  field: 'objectTypeId',
  expected: OBJECT_TYPE_ID,
  ok: (value) => value === undefined || isObjectTypeId(value),
}
/** A track's identity rule: a person by either id (pipelines-api.md §9). */
const identity: Check = {
  field: 'userId',
  expected: 'a non-empty string (or give anonymousId)',
  ok: (_, params) => nonEmpty(params.userId) || nonEmpty(params.anonymousId),
}

/** The helper's first broken rule as the call's ValidationError, or undefined. */
function firstBroken(helper: string, params: unknown, checks: readonly Check[]): ValidationError | undefined {
  if (!isPlainObject(params)) return new ValidationError(`${helper}: expected an object of fields`, helper, '')
  for (const { field, expected, ok } of checks) {
    const value = params[field]
    if (!ok(value, params)) return new ValidationError(`${helper}: ${mustBe(field, expected, value)}`, helper, field)
  }
  return undefined
}

/** The fields every call shares, copied from the helper's params. */
function common(params: CommonFields): CommonFields {
  const { messageId, timestamp, context, integrations } = params
  return { messageId, timestamp, context, integrations }
}

/** Sends through the client's internal entry: the plan skipped, a helper's error reported as the call's outcome. */
function send(helper: string, target: SemanticTarget, params: TrackParams | ValidationError, callback: Outcome): void {
  const client = target as unknown as { sendSemantic?: (params: TrackParams | ValidationError, callback?: Callback) => void }
  if (typeof client?.sendSemantic !== 'function') {
    throw new TypeError(`${helper}: the first argument must be an Analytics client (or analytics.bind(ctx) on the edge)`)
  }
  client.sendSemantic(params, callback as Callback | undefined)
}

/**
 * One helper: its rules (made on first use) and how a valid input becomes its track. Each export
 * below is `/* @__PURE__ *\/`, so a bundler drops the ones a worker does not import.
 */
function defineHelper<P>(name: string, rules: () => readonly Check[], toTrack: (params: P) => TrackParams): SemanticHelper<P> {
  let checks: readonly Check[] | undefined
  return (target: SemanticTarget, params: P, callback?: Outcome): void => {
    checks ??= rules()
    if (typeof callback !== 'function' && callback !== undefined) {
      return send(name, target, callbackMistake(name, params, callback, 'third'), undefined)
    }
    const broken = firstBroken(name, params, checks)
    send(name, target, broken ?? toTrack(params), callback)
  }
}

const personRules = () => [required('userId')]
const personEvent = (params: PersonParams, event: string): TrackParams => ({ ...common(params), userId: params.userId, event })

/** Deletes the person from the workspace (`User Deleted`). */
export const deletePerson = /* @__PURE__ */ defineHelper('deletePerson', personRules, (params: PersonParams) =>
  personEvent(params, SEMANTIC_EVENTS.deletePerson),
)

/**
 * Deletes the person and blocks their id from being added again (`User Suppressed`), as for a
 * GDPR erasure request.
 */
export const suppressPerson = /* @__PURE__ */ defineHelper('suppressPerson', personRules, (params: PersonParams) =>
  personEvent(params, SEMANTIC_EVENTS.suppressPerson),
)

/** Lets a suppressed id be added again (`User Unsuppressed`); no old data comes back. */
export const unsuppressPerson = /* @__PURE__ */ defineHelper('unsuppressPerson', personRules, (params: PersonParams) =>
  personEvent(params, SEMANTIC_EVENTS.unsuppressPerson),
)

/** The device, written where the docs' schema reads it (context) and where their example does (properties). */
function withDevice(params: PersonParams, device: Record<string, unknown>, event: string): TrackParams {
  const context: Context = { ...params.context, device: { ...params.context?.device, ...device } }
  return { ...common(params), context, userId: params.userId, event, properties: { device } }
}

/** Adds a push device to the person, or updates it when the token exists (`Device Created or Updated`). */
export const addDevice = /* @__PURE__ */ defineHelper<AddDeviceParams>(
  'addDevice',
  () => [
    required('userId'),
    required('token'),
    { field: 'type', expected: 'one of "ios", "android"', ok: (type) => type === undefined || type === 'ios' || type === 'android' },
    { field: 'attributes', expected: 'a plain object', ok: (value) => value === undefined || isPlainObject(value) },
  ],
  (params) => {
    const device = { ...params.attributes, token: params.token, ...(params.type ? { type: params.type } : {}) }
    return withDevice(params, device, SEMANTIC_EVENTS.addDevice)
  },
)

/** Removes a device from the person (`Device Deleted`), as on logout. */
export const deleteDevice = /* @__PURE__ */ defineHelper<DeleteDeviceParams>(
  'deleteDevice',
  () => [required('userId'), required('token')],
  (params) => withDevice(params, { token: params.token }, SEMANTIC_EVENTS.deleteDevice),
)

/** The object's id and type as the docs (`objectId`) and the API reference (`groupId`) name them. */
function objectProperties({ objectId, objectTypeId }: ObjectRef): Record<string, string> {
  return objectTypeId === undefined ? { objectId, groupId: objectId } : { objectId, groupId: objectId, objectTypeId }
}

/** Removes the person's relationship to an object (`Relationship Deleted`): the inverse of `group()`. */
export const deleteRelationship = /* @__PURE__ */ defineHelper<DeleteRelationshipParams>(
  'deleteRelationship',
  () => [identity, required('objectId'), objectTypeId],
  (params) => ({
    ...common(params),
    userId: params.userId,
    anonymousId: params.anonymousId,
    event: SEMANTIC_EVENTS.deleteRelationship,
    properties: objectProperties(params),
  }),
)

/** Deletes an object and its relationships (`Object Deleted`); no person is needed. */
export const deleteObject = /* @__PURE__ */ defineHelper<DeleteObjectParams>(
  'deleteObject',
  () => [required('objectId'), objectTypeId],
  (params) => ({ ...common(params), groupId: params.objectId, event: SEMANTIC_EVENTS.deleteObject, properties: objectProperties(params) }),
)

/**
 * Reports what happened to a message Customer.io delivered (`Report Delivery Event`), mainly
 * in-app messages: delivered, opened, clicked or converted. Like every track it needs `userId`
 * or `anonymousId`.
 */
export const reportDelivery = /* @__PURE__ */ defineHelper<ReportDeliveryParams>(
  'reportDelivery',
  () => [
    identity,
    required('deliveryId'),
    {
      field: 'metric',
      expected: `one of ${DELIVERY_METRICS.map((m) => `"${m}"`).join(', ')}`,
      ok: (m) => DELIVERY_METRICS.includes(m as DeliveryMetric),
    },
    ...['recipient', 'reason', 'href', 'actionName', 'actionValue'].map(optionalText),
  ],
  (params) => {
    const { userId, anonymousId, deliveryId, metric, recipient, reason, href, actionName, actionValue } = params
    const properties = { deliveryId, metric, recipient, reason, href, actionName, actionValue }
    return { ...common(params), userId, anonymousId, event: SEMANTIC_EVENTS.reportDelivery, properties }
  },
)
