/**
 * Turns one call's input into the message that is sent: validates it, then fills in `type`,
 * `messageId`, `timestamp`, merged `context` (with `context.library`) and `integrations`.
 * Returns a ValidationError instead of throwing, so a bad call never disturbs the caller.
 */
import * as v from 'valibot'
import { ValidationError } from '../errors.js'
import { isPlainObject, mergeDeep } from '../merge.js'
import { toTimestamp } from '../timestamp.js'
import type { Message, MessageType } from '../types.js'
import { describeValue, oneLine } from './describe.js'
import { isNonEmptyString as nonEmpty, schemas } from './schemas.js'
import { checkTypedFields, describeIssue } from './typed-fields.js'

export interface BuildSettings {
  library: { name: string; version: string }
  defaultContext: Record<string, unknown> | undefined
  integrations: Record<string, boolean> | undefined
  generateId: () => string
  now: () => Date
}

export function buildMessage(type: MessageType, params: unknown, settings: BuildSettings): Message | ValidationError {
  try {
    return build(type, params, settings)
  } catch (cause) {
    // A throwing getter or Proxy in the caller's input: that call fails, the caller never sees a throw.
    const what = cause instanceof Error ? cause.message : String(cause)
    return new ValidationError(`${type}: the input could not be read (${oneLine(what)})`, type, '')
  }
}

function build(type: MessageType, params: unknown, settings: BuildSettings): Message | ValidationError {
  if (!isPlainObject(params)) {
    return new ValidationError(`${type}: expected an object of fields (got ${describeValue(params)})`, type, '')
  }
  const parsed = v.safeParse(schemas[type], params)
  if (!parsed.success) return issueToError(type, parsed.issues[0])
  const input = parsed.output as Record<string, unknown>
  const identityError = checkIdentity(type, input)
  if (identityError) return identityError

  const message = { type, ...input } as Message
  message.type = type
  message.messageId = (input.messageId as string | undefined) ?? settings.generateId()
  message.timestamp = input.timestamp ? toTimestamp(input.timestamp as Date | string) : settings.now().toISOString()
  message.context = buildContext(input.context as Record<string, unknown> | undefined, settings)
  const integrations = input.integrations as Record<string, boolean> | undefined
  if (integrations || settings.integrations) {
    message.integrations = mergeDeep(settings.integrations, integrations) as Record<string, boolean>
  }
  const typed = checkTypedFields(type, message as unknown as Record<string, unknown>)
  if (typed) return new ValidationError(describeIssue(type, typed), type, typed.path)
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
      if (!nonEmpty(input.previousId)) return new ValidationError('alias: "previousId" must not be empty', type, 'previousId')
      if (!nonEmpty(userId)) return new ValidationError('alias: "userId" must not be empty', type, 'userId')
      return undefined
    case 'track':
      if (nonEmpty(userId) || nonEmpty(anonymousId) || nonEmpty(input.groupId)) return undefined
      return new ValidationError('track: "userId", "anonymousId" or "groupId" is required', type, 'userId')
    case 'identify':
      // An empty userId is allowed when traits.email identifies the person (§9, identify).
      if (userId === '' && typeof (input.traits as Record<string, unknown> | undefined)?.email === 'string') return undefined
      break
    case 'group':
      if (!nonEmpty(input.groupId)) return new ValidationError('group: "groupId" must not be empty', type, 'groupId')
      break
  }
  if (nonEmpty(userId) || nonEmpty(anonymousId)) return undefined
  return new ValidationError(`${type}: "userId" or "anonymousId" is required`, type, 'userId')
}

function issueToError(type: MessageType, issue: v.BaseIssue<unknown> | undefined): ValidationError {
  const field = (issue && v.getDotPath(issue)) ?? ''
  if (!issue) return new ValidationError(`${type}: invalid input`, type, field)
  if (issue.input === undefined && issue.kind === 'schema' && field !== '') {
    return new ValidationError(`${type}: "${field}" is required`, type, field)
  }
  return new ValidationError(`${type}: "${field}" must be ${issue.message} (got ${describeValue(issue.input)})`, type, field)
}
