/** `cdp-analytics send <type>`: one call, and the process waits for its outcome. */
import type { AnalyticsError, Callback, Message, MessageType } from '@cdp-analytics/core'
import type { Analytics } from '../analytics.js'
import { checkScope, EXIT, jsonFlag, stringFlag, UsageError, type FlagName, type Values } from './options.js'

export const TYPES: readonly MessageType[] = ['identify', 'track', 'page', 'screen', 'group', 'alias']

/** Flag → field of the call. Which fields a type needs is the client's validation's job. */
const FIELDS: [FlagName, string, 'string' | 'json'][] = [
  ['user-id', 'userId', 'string'],
  ['anonymous-id', 'anonymousId', 'string'],
  ['event', 'event', 'string'],
  ['properties', 'properties', 'json'],
  ['traits', 'traits', 'json'],
  ['group-id', 'groupId', 'string'],
  ['object-type-id', 'objectTypeId', 'string'],
  ['previous-id', 'previousId', 'string'],
  ['name', 'name', 'string'],
  ['category', 'category', 'string'],
  ['context', 'context', 'json'],
  ['integrations', 'integrations', 'json'],
  ['timestamp', 'timestamp', 'string'],
  ['message-id', 'messageId', 'string'],
]

export function sendParams(values: Values): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [flag, field, kind] of FIELDS) {
    const value = kind === 'json' ? jsonFlag(values, flag) : stringFlag(values, flag)
    if (value !== undefined) params[field] = value
  }
  return params
}

export async function send(type: string | undefined, values: Values, makeClient: () => Analytics): Promise<number> {
  checkScope(values, 'send')
  if (!type || !TYPES.includes(type as MessageType)) {
    throw new UsageError(`send needs a call type: ${TYPES.join(', ')} (got ${type === undefined ? 'none' : JSON.stringify(type)})`)
  }
  const params = sendParams(values)
  const analytics = makeClient()
  const outcome = new Promise<[AnalyticsError | undefined, Message | undefined]>((resolve) => {
    const call = analytics[type as MessageType] as (params: unknown, callback: Callback) => void
    call.call(analytics, params, (error, message) => resolve([error, message]))
  })
  await analytics.flush()
  const [error, message] = await outcome
  await analytics.close()
  if (!error) {
    process.stdout.write(`delivered ${type} ${message?.messageId}\n`)
    return EXIT.ok
  }
  process.stderr.write(`not delivered (${error.reason}): ${error.message}\n`)
  return EXIT.failed
}
