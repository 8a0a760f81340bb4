/**
 * Customer.io Journeys' limits, checked before a message is queued (issue 9). Journeys drops or
 * truncates what exceeds them long after the API answered 200, so the place to learn of it is
 * the call. Nothing here is imported by the client: it only calls the checker it is given as the
 * `limits` option, so a user who never imports `journeysLimits` ships none of this code.
 */
import { ValidationError } from '../errors.js'
import { utf8Length } from '../limits.js'
import type { Logger, Message } from '../types.js'

/** Which limit a warning is about. */
export type LimitCode = 'event_name' | 'attribute_name' | 'attribute_value' | 'attribute_count'

/** A message that exceeds a Journeys limit: the `warning` event's payload. */
export interface LimitWarning {
  code: LimitCode
  /** The dotted path of the offending field, such as `traits.bio` or `event` (whole, however long). */
  field: string
  /** One line naming the field (a name over 40 characters cut, with "…"), its size and the limit. */
  text: string
  message: Message
}

/** Checks one message about to be queued (`bytes`: its JSON's size): a ValidationError refuses it. */
export type MessageCheck = (message: Message, bytes: number) => ValidationError | undefined

/** What the client's `limits` option takes; made by {@link journeysLimits}. */
export interface LimitsCheck {
  /** Called by the client once: returns its check. Not for calling yourself. */
  readonly checker: (warn: (warning: LimitWarning) => void, logger: Logger) => MessageCheck
}

export interface JourneysLimitsOptions {
  /**
   * `'warn'`: the message is still sent, with a `warning` event and a log line (a warning once per
   * limit, then debug lines, shown with `verbose`). `'reject'`: it fails with a ValidationError
   * (reason `invalid`) naming the field, and is not sent. @default 'warn'
   */
  over?: 'warn' | 'reject'
}

/**
 * Journeys' limits in UTF-8 bytes and counts, from Customer.io's "Invalid API Requests" page
 * (docs.customer.io/journeys/invalid-api-requests): "cannot identify more than 300 attributes in
 * one request", "attribute name cannot be longer than 150 bytes", "value for attribute ... cannot
 * be longer than 1000 bytes", "event name cannot be longer than 100 bytes". The page lists the
 * attribute limits for identify; objects' attributes are held to the same here.
 */
export const JOURNEYS_LIMITS = {
  eventNameBytes: 100,
  attributeNameBytes: 150,
  attributeValueBytes: 1000,
  attributesPerCall: 300,
} as const

/**
 * `name` as a warning prints it: whole up to 40 characters, else its first 40 and "…", so that a
 * 200-character key does not flood the log line (issue 20). `field` keeps the whole name.
 */
export const shownName = (name: string): string => (name.length > 40 ? `${name.slice(0, 40)}…` : name)

/** Where a message of each type keeps attributes Journeys stores (a person's, an object's). */
const ATTRIBUTE_HOLDERS: Partial<Record<Message['type'], readonly string[]>> = {
  identify: ['traits'],
  group: ['traits', 'traits.relationshipAttributes'],
}

/** A value's size as sent: a string's UTF-8 bytes, anything else its JSON's. */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value)
  try {
    return utf8Length(JSON.stringify(value) ?? '')
  } catch {
    return 0 // Serialization reports a value JSON cannot carry; it is not a limit's business.
  }
}

function objectAt(message: Message, path: string): Record<string, unknown> | undefined {
  let value: unknown = message
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key]
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** A limit a message exceeds, without the message itself. */
export type LimitFinding = Omit<LimitWarning, 'message'>

/**
 * Every limit `message` exceeds, in the order the fields appear. Pure, for tests as a table.
 * `bytes` is the message's JSON size: below the value limit no value can exceed it, which spares
 * the common small message from measuring each value.
 */
export function findLimitIssues(message: Message, bytes = Number.POSITIVE_INFINITY): LimitFinding[] {
  const found: LimitFinding[] = []
  const { eventNameBytes, attributeNameBytes, attributeValueBytes, attributesPerCall } = JOURNEYS_LIMITS
  const name = message.type === 'track' ? message.event : undefined
  if (typeof name === 'string' && utf8Length(name) > eventNameBytes) {
    found.push({
      code: 'event_name',
      field: 'event',
      text: `"event" is ${utf8Length(name)} bytes; Journeys takes event names of at most ${eventNameBytes}`,
    })
  }
  for (const path of ATTRIBUTE_HOLDERS[message.type] ?? []) {
    const attributes = objectAt(message, path)
    if (!attributes) continue
    const keys = Object.keys(attributes)
    if (keys.length > attributesPerCall) {
      found.push({
        code: 'attribute_count',
        field: path,
        text: `"${path}" holds ${keys.length} attributes; Journeys takes at most ${attributesPerCall} in one call`,
      })
    }
    for (const key of keys) {
      const field = `${path}.${key}`
      const nameBytes = utf8Length(key)
      if (nameBytes > attributeNameBytes) {
        found.push({
          code: 'attribute_name',
          field,
          text: `attribute name "${shownName(key)}" in "${path}" is ${nameBytes} bytes; Journeys takes at most ${attributeNameBytes}`,
        })
      }
      // relationshipAttributes is a holder of its own, checked key by key above.
      if (bytes <= attributeValueBytes || (message.type === 'group' && path === 'traits' && key === 'relationshipAttributes')) continue
      const size = valueBytes(attributes[key])
      if (size > attributeValueBytes) {
        found.push({
          code: 'attribute_value',
          field,
          text: `"${path}.${shownName(key)}" is ${size} bytes; Journeys takes attribute values of at most ${attributeValueBytes}`,
        })
      }
    }
  }
  return found
}

/**
 * Journeys' limits as early warnings, for the client's `limits` option: event names over 100
 * bytes, attribute names over 150 bytes, attribute values over 1,000 bytes and more than 300
 * attributes in one call (identify traits are a person's attributes; group traits an object's, and
 * `traits.relationshipAttributes` the relationship's). Each finding is a `warning` event and a log
 * line naming the field; with `over: 'reject'` the call fails instead and nothing is sent.
 *
 * ```ts
 * const analytics = new Analytics({ writeKey, limits: journeysLimits() })
 * analytics.on('warning', ({ field, text }) => metrics.increment('cio.limit', { field }))
 * ```
 */
export function journeysLimits(options: JourneysLimitsOptions = {}): LimitsCheck {
  const reject = options.over === 'reject'
  return {
    checker(warn, logger) {
      const warned = new Set<LimitCode>()
      return (message, bytes) => {
        const found = findLimitIssues(message, bytes)
        if (found.length === 0) return undefined
        if (reject) {
          const [first] = found as [LimitFinding]
          return new ValidationError(`${message.type}: ${found.map((f) => f.text).join('; ')}`, message.type, first.field)
        }
        for (const finding of found) {
          warn({ ...finding, message })
          const line = `${message.type}: ${finding.text} (sent anyway)`
          if (warned.has(finding.code)) logger.debug(line)
          else {
            warned.add(finding.code)
            logger.warn(`${line}; more "${finding.code}" warnings are logged at debug level`)
          }
        }
        return undefined
      }
    },
  }
}
