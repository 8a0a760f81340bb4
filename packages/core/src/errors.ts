/**
 * One error base class and one subclass per way a message can fail, so callers can
 * branch on `instanceof` or on the stable `reason` string (which is also what the
 * client's counters are keyed by).
 *
 * `instanceof` also holds across two copies of this module (an app that loads both the CommonJS
 * and the ES module build): every error carries a brand shared through the global symbol
 * registry, and each class recognises a branded error by the `name` on its prototype.
 */

const BRAND = Symbol.for('@cdp-analytics/error')

/** Why a message did not reach the API. Stable strings: safe to log, count and switch on. */
export type FailureReason =
  | 'invalid' // the call's input broke the API's rules (ValidationError)
  | 'unserializable' // the message cannot be turned into JSON (SerializationError)
  | 'too_large' // the message is over the per-message byte limit
  | 'queue_full' // maxQueueSize or maxQueueBytes was reached
  | 'closed' // the call came after close()
  | 'rejected' // the API answered with a status that must not be retried
  | 'retries_exhausted' // every retry failed
  | 'deadline' // close({ timeout }) ran out before the message could be delivered
  | 'internal' // an unexpected error inside the SDK while sending (a bug: please report it)

export class AnalyticsError extends Error {
  /** A stable machine-readable code; see {@link FailureReason}. */
  readonly reason: FailureReason | 'config'

  constructor(message: string, reason: FailureReason | 'config', options?: { cause?: unknown }) {
    super(message, options)
    this.reason = reason
    ;(this as { [BRAND]?: true })[BRAND] = true
  }

  /** Also true for an error of this kind made by another copy of the SDK (CJS beside ESM). */
  static [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class instanceof asks about (a subclass too), not AnalyticsError.
    // biome-ignore lint/complexity/noThisInStatic: see above
    // biome-ignore lint/complexity/noUselessThisAlias: one name for it below
    const kind: typeof AnalyticsError = this
    if (Function.prototype[Symbol.hasInstance].call(kind, value)) return true
    const branded = typeof value === 'object' && value !== null && (value as { [BRAND]?: true })[BRAND] === true
    return branded && (kind === AnalyticsError || (value as Error).name === kind.prototype.name)
  }
}

/** Bad options passed to the constructor. Thrown, since nothing can work until it is fixed. */
export class ConfigError extends AnalyticsError {
  constructor(message: string) {
    super(message, 'config')
  }
}

/** The input of one call is invalid; `field` names the offending path, for example `properties`. */
export class ValidationError extends AnalyticsError {
  /** Every broken rule of a tracking plan, with its path; set only for a call that broke the plan. */
  declare readonly issues?: readonly { path: string; message: string }[]

  constructor(
    message: string,
    readonly call: string,
    readonly field: string,
  ) {
    super(message, 'invalid')
  }
}

/** The message holds a value JSON cannot carry (a cycle, a BigInt, a throwing toJSON). */
export class SerializationError extends AnalyticsError {
  constructor(
    message: string,
    readonly field: string,
    options?: { cause?: unknown },
  ) {
    super(message, 'unserializable', options)
  }
}

/** The serialized message exceeds the API's per-message limit; the API would drop it silently. */
export class MessageTooLargeError extends AnalyticsError {
  constructor(
    message: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(message, 'too_large')
  }
}

/** The queue is at its bound; the newest message is refused so memory stays bounded. */
export class QueueFullError extends AnalyticsError {
  constructor(message: string) {
    super(message, 'queue_full')
  }
}

/** The client was closed before this call. */
export class ClosedError extends AnalyticsError {
  constructor(message: string) {
    super(message, 'closed')
  }
}

/**
 * Delivery failed: a non-retryable status, retries used up, or the close deadline passed.
 * `status` is the last HTTP status seen, if any response arrived.
 */
export class DeliveryError extends AnalyticsError {
  constructor(
    message: string,
    reason: 'rejected' | 'retries_exhausted' | 'deadline' | 'internal',
    readonly status: number | undefined,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, reason, options)
  }
}

// On the prototype rather than per instance, so a class can tell its kind in another copy's errors.
for (const [kind, name] of [
  [AnalyticsError, 'AnalyticsError'],
  [ConfigError, 'ConfigError'],
  [ValidationError, 'ValidationError'],
  [SerializationError, 'SerializationError'],
  [MessageTooLargeError, 'MessageTooLargeError'],
  [QueueFullError, 'QueueFullError'],
  [ClosedError, 'ClosedError'],
  [DeliveryError, 'DeliveryError'],
] as const) {
  kind.prototype.name = name
}
