import type { AnalyticsError } from './errors.js'
import type { Context, GroupTraits, PageProperties, Properties, ScreenProperties, Traits } from './fields.js'

/** Any JSON-compatible object; `Date` values are sent as ISO 8601 strings. */
export type JsonObject = Record<string, unknown>

export type MessageType = 'identify' | 'track' | 'page' | 'screen' | 'group' | 'alias'

/** Fields every call accepts (pipelines-api.md §6). */
export interface CommonFields {
  /** Generated with nanoid when absent. Keep it stable to let the API de-duplicate. */
  messageId?: string
  /** When the event happened; a `Date` or an RFC 3339 string with a zone. Defaults to now. */
  timestamp?: Date | string
  /** Where the call came from; merged over `defaultContext`. The client sets `context.library`. */
  context?: Context
  /** Destinations to send to or skip, by name; `{ All: false, 'Customer.io': true }` sends to one. */
  integrations?: Record<string, boolean>
}

/** userId, anonymousId or both: the API needs at least one (pipelines-api.md §9). */
export interface Identity {
  userId?: string
  anonymousId?: string
}

export interface IdentifyParams extends CommonFields, Identity {
  /** The person's attributes; the well-known ones are typed, any other key is allowed. */
  traits?: Traits
}
export interface TrackParams extends CommonFields, Identity {
  event: string
  /** The event's data; the well-known ecommerce fields are typed, any other key is allowed. */
  properties?: Properties
  /** A track may be attributed to a group instead of a person (pipelines-api.md §9). */
  groupId?: string
}
export interface PageParams extends CommonFields, Identity {
  name?: string
  category?: string
  properties?: PageProperties
}
export interface ScreenParams extends CommonFields, Identity {
  name?: string
  category?: string
  properties?: ScreenProperties
}
export interface GroupParams extends CommonFields, Identity {
  /** The object's id in Customer.io (a company's, an account's, ...). */
  groupId: string
  /**
   * The object type, as a string of digits (`"1"`, `"2"`, ...) from your workspace's object
   * types; Customer.io assumes `"1"` when absent. Sent as `traits.objectTypeId` (where
   * Customer.io's docs put it) and at the top level (where the API reference does).
   */
  objectTypeId?: string
  /** The object's attributes, and `relationshipAttributes` for the person's relationship to it. */
  traits?: GroupTraits
}
export interface AliasParams extends CommonFields {
  previousId: string
  userId: string
}

export interface ParamsByType {
  identify: IdentifyParams
  track: TrackParams
  page: PageParams
  screen: ScreenParams
  group: GroupParams
  alias: AliasParams
}

/** A message as sent: the call's fields plus what the client fills in. */
export interface Message extends JsonObject {
  type: MessageType
  messageId: string
  timestamp: string
  context: JsonObject
}

/** Called exactly once per call: with no error after delivery, or with the reason it failed. */
/**
 * A call's outcome, exactly once: `(undefined, message)` once the API accepted the message, or
 * `(error, message)` with the reason it was not; `message` is undefined only when the call's input
 * could not be built into one (invalid, or after close()). `if (!err)` narrows `message` to Message.
 */
export type Callback = (...outcome: Outcome) => void

/** What a callback receives: delivered, or failed with the reason (and the message when there is one). */
export type Outcome = [error: undefined, message: Message] | [error: AnalyticsError, message: Message | undefined]

/** A callback that reads only the error (`(err) => ...`); every call accepts one too. */
export type ErrorCallback = (error: AnalyticsError | undefined) => void

export interface Logger {
  debug(message: string, ...rest: unknown[]): void
  info(message: string, ...rest: unknown[]): void
  warn(message: string, ...rest: unknown[]): void
  error(message: string, ...rest: unknown[]): void
}

/** Cancels a timer armed with a {@link TimerHost}. */
export type CancelTimer = () => void

/**
 * How the core arms timers. Adapters supply one (Node unrefs its timers so they never keep a
 * process alive); an edge adapter may supply none, and then the core never arms a timer.
 */
export type TimerHost = (callback: () => void, ms: number) => CancelTimer
