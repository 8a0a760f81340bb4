/**
 * Turns one call's input into the message that is sent: validates it, then fills in `type`,
 * `messageId`, `timestamp`, merged `context` (with `context.library`) and `integrations`.
 * Returns a ValidationError instead of throwing, so a bad call never disturbs the caller.
 */
import type * as v from 'valibot'
import { ValidationError } from '../errors.js'
import { isPlainObject, mergeDeep } from '../merge.js'
import { toTimestamp } from '../timestamp.js'
import type { Message, MessageType } from '../types.js'
import { describeValue, errorText, mustBe } from './describe.js'
import { isNonEmptyString as nonEmpty, parseFast, schemas } from './schemas.js'
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
  const schema = schemas[type]
  // The message is built in place. parseFast fails exactly the calls valibot fails
  // (test/schemas.test.ts): only those pay for valibot's parse, which names the issue.
  const message = { type } as Message
  const input = message as unknown as Record<string, unknown>
  if (!parseFast(schema, params, input)) {
    // valibot's Standard Schema `validate` is its safeParse, returning valibot's own issues.
    const { issues } = schema['~standard'].validate(params) as { issues?: v.BaseIssue<unknown>[] }
    return issueToError(type, issues?.[0])
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

/** The identity rules of pipelines-api.md §9–§10, which valibot's per-key schemas cannot express. */
function checkIdentity(type: MessageType, input: Record<string, unknown>): ValidationError | undefined {
  const { userId, anonymousId } = input
  switch (type) {
    case 'alias':
      if (!nonEmpty(input.previousId)) return invalid(type, 'previousId', '"previousId" must not be empty')
      if (!nonEmpty(userId)) return invalid(type, 'userId', '"userId" must not be empty')
      return undefined
    case 'track':
      if (nonEmpty(userId) || nonEmpty(anonymousId) || nonEmpty(input.groupId)) return undefined
      return invalid(type, 'userId', '"userId", "anonymousId" or "groupId" is required')
    case 'identify':
      // An empty userId is allowed when traits.email identifies the person (§9, identify).
      if (userId === '' && typeof (input.traits as Record<string, unknown> | undefined)?.email === 'string') return undefined
      break
    case 'group':
      if (!nonEmpty(input.groupId)) return invalid(type, 'groupId', '"groupId" must not be empty')
      break
  }
  if (nonEmpty(userId) || nonEmpty(anonymousId)) return undefined
  return invalid(type, 'userId', '"userId" or "anonymousId" is required')
}

function issueToError(type: MessageType, issue: v.BaseIssue<unknown> | undefined): ValidationError {
  // The schemas are flat: an issue's path is the one key it is about.
  const key = issue?.path?.[0]?.key
  const field = typeof key === 'string' ? key : ''
  if (!issue) return invalid(type, field, 'invalid input')
  if (issue.input === undefined && issue.kind === 'schema' && field !== '') {
    return invalid(type, field, `"${field}" is required`)
  }
  return invalid(type, field, mustBe(field, issue.message, issue.input))
}

/** The call's error: `track: <text>`, with the offending field. */
function invalid(type: MessageType, field: string, text: string): ValidationError {
  return new ValidationError(`${type}: ${text}`, type, field)
}
