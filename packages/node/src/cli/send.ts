/** `cdp-analytics send <type>`: one call, and the process waits for its outcome. */
import type { AnalyticsError, Callback, Message, MessageType } from '@cdp-analytics/core'
import type { Analytics } from '../analytics.js'
import { checkScope, EXIT, jsonFlag, numberFlag, stringFlag, UsageError, type FlagName, type Values } from './options.js'

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

/** How long `send` waits for an outcome, retries included, unless `--timeout` says otherwise. */
export const SEND_TIMEOUT_S = 30

export async function send(type: string | undefined, values: Values, makeClient: () => Analytics): Promise<number> {
  checkScope(values, 'send')
  if (!type || !TYPES.includes(type as MessageType)) {
    throw new UsageError(`send needs a call type: ${TYPES.join(', ')} (got ${type === undefined ? 'none' : JSON.stringify(type)})`)
  }
  const params = sendParams(values)
  const timeoutS = numberFlag(values, 'timeout', 0.001) ?? SEND_TIMEOUT_S
  const analytics = makeClient()
  // Each failed attempt as it happens: against an API that does not answer, the retries of the
  // default policy take minutes, which must not look like a hang.
  let lastFailure: string | undefined
  analytics.on('retry', ({ attempt, delay, reason }) => {
    lastFailure = `attempt ${attempt}: ${reason}`
    process.stderr.write(`attempt ${attempt} failed (${reason}); retrying in ${seconds(delay)}\n`)
  })
  const outcome = new Promise<[AnalyticsError | undefined, Message | undefined]>((resolve) => {
    const call = analytics[type as MessageType] as (params: unknown, callback: Callback) => void
    call.call(analytics, params, (error, message) => resolve([error, message]))
  })
  void analytics.flush()

  // The outcome, or the --timeout deadline, or Ctrl-C (a second Ctrl-C quits at once).
  let stop: (why: 'timeout' | 'interrupted') => void = () => undefined
  const stopped = new Promise<'timeout' | 'interrupted'>((resolve) => (stop = resolve))
  const deadline = setTimeout(() => stop('timeout'), timeoutS * 1000)
  let interrupts = 0
  const onSigint = () => (++interrupts > 1 ? process.exit(EXIT.interrupted) : stop('interrupted'))
  process.on('SIGINT', onSigint)
  const ended = await Promise.race([outcome.then(() => 'outcome' as const), stopped])
  clearTimeout(deadline)
  // Cut what is in flight or waiting for a retry: the message then fails with reason `deadline`.
  if (ended !== 'outcome') void analytics.close({ timeout: 0 })
  const [error, message] = await outcome
  await analytics.close()
  process.off('SIGINT', onSigint)

  if (!error) {
    process.stdout.write(`delivered ${type} ${message?.messageId}\n`)
    return EXIT.ok
  }
  const last = lastFailure ? `; last failure: ${lastFailure}` : ''
  if (ended === 'interrupted') {
    process.stderr.write(`interrupted: ${type} ${message?.messageId ?? ''} was not delivered${last}\n`)
    return EXIT.interrupted
  }
  if (ended === 'timeout') {
    process.stderr.write(`not delivered (timeout): no success within --timeout ${timeoutS} s${last}\n`)
    return EXIT.failed
  }
  process.stderr.write(`not delivered (${error.reason}): ${error.message}\n`)
  return EXIT.failed
}

/** "0.9 s", "12 s": a retry's delay as a person reads it. */
function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}
