/**
 * Turns one call's input into the message that is sent: validates it, then fills in `type`,
 * `messageId`, `timestamp`, merged `context` (with `context.library`) and `integrations`.
 * Returns a ValidationError instead of throwing, so a bad call never disturbs the caller.
 */
import { ValidationError } from '../errors.js'
import { isPlainObject, mergeDeep } from '../merge.js'
import { toTimestamp } from '../timestamp.js'
import type { Message, MessageType } from '../types.js'
import { describeValue, errorText, mustBe } from './describe.js'
import { firstBroken, isNonEmptyString as nonEmpty, parseFast, schemas } from './schemas.js'
import { checkTypedFields } from './typed-fields.js'

export interface BuildSettings {
  library: { name: string; version: string }
  defaultContext: Record<string, unknown> | undefined
  integrations: Record<string, boolean> | undefined
  generateId: () => string
  /** The `timestamp` of a call that gives none (ISO 8601). */
  timestamp: () => string
}

export function buildMessage(type: MessageType, params: unknown, settings: BuildSettings): Message | ValidationError {
  try {
    return build(type, params, settings)
  } catch (cause) {
    // A throwing getter or Proxy in the caller's input: that call fails, the caller never sees a throw.
    return invalid(type, '', `the input could not be read (${errorText(cause)})`)
  }
}

function build(type: MessageType, params: unknown, settings: BuildSettings): Message | ValidationError {
  if (!isPlainObject(params)) {
    return invalid(type, '', `expected an object of fields (got ${describeValue(params)})`)
  }
  const rules = schemas[type]
  // The message is built in place; only a call that breaks a rule pays for naming it.
  const message = { type } as Message
  const input = message as unknown as Record<string, unknown>
  if (!parseFast(rules, params, input)) {
    const broken = firstBroken(rules, params)
    return invalid(type, broken?.field ?? '', broken?.text ?? 'invalid input')
  }
  const identityError = checkIdentity(type, input)
  if (identityError) return identityError

  message.type = type
  message.messageId = (input.messageId as string | undefined) ?? settings.generateId()
  message.timestamp = input.timestamp ? toTimestamp(input.timestamp as Date | string) : settings.timestamp()
  message.context = buildContext(input.context as Record<string, unknown> | undefined, settings)
  const integrations = input.integrations as Record<string, boolean> | undefined
  if (integrations || settings.integrations) {
    message.integrations = mergeDeep(settings.integrations, integrations) as Record<string, boolean>
  }
  const typed = checkTypedFields(type, message as unknown as Record<string, unknown>)
  if (typed) return invalid(type, typed.path, mustBe(typed.path, typed.expected, typed.got))
  // Customer.io's docs read the object type from traits, the API reference from the top level.
  if (type === 'group' && input.objectTypeId) message.traits = { ...(input.traits as object), objectTypeId: input.objectTypeId }
  return message
}

function buildContext(own: Record<string, unknown> | undefined, settings: BuildSettings): Record<string, unknown> {
  // Fast path: most calls carry no context of their own and there is no default.
  if (!own && !settings.defaultContext) return { library: settings.library }
  const context = mergeDeep(settings.defaultContext, own)
  context.library = settings.library
  return context
}

/** The identity rules of pipelines-api.md §9–§10, which per-field rules cannot express. */
function checkIdentity(type: MessageType, input: Record<string, unknown>): ValidationError | undefined {
  const { userId, anonymousId } = input
  if (type === 'alias') return undefined // previousId and userId are required by its schema
  if (userId === '') {
    // An empty userId is allowed when traits.email identifies the person (§9, identify); given
    // empty anywhere else it is a mistake, however well anonymousId identifies the call.
    if (type === 'identify' && typeof (input.traits as Record<string, unknown> | undefined)?.email === 'string') return undefined
    return invalid(type, 'userId', '"userId" must not be empty')
  }
  if (nonEmpty(userId) || nonEmpty(anonymousId) || (type === 'track' && nonEmpty(input.groupId))) return undefined
  return invalid(
    type,
    'userId',
    type === 'track' ? '"userId", "anonymousId" or "groupId" is required' : '"userId" or "anonymousId" is required',
  )
}

/**
 * A call whose callback argument is no function, as in Segment's older `track('Signed Up', { plan })`:
 * the call's own `invalid` outcome naming each mistake (the input too, when it is no object), instead
 * of a TypeError from calling it later that hides the real one (issue 20). `position`: which argument.
 */
export function callbackMistake(call: string, params: unknown, callback: unknown, position = 'second'): ValidationError {
  const wrong = `the ${position} argument must be a callback function (got ${describeValue(callback)})`
  const text = isPlainObject(params) ? wrong : `expected an object of fields (got ${describeValue(params)}), and ${wrong}`
  return new ValidationError(`${call}: ${text}`, call, '')
}

/** The call's error: `track: <text>`, with the offending field. */
function invalid(type: MessageType, field: string, text: string): ValidationError {
  return new ValidationError(`${type}: ${text}`, type, field)
}
