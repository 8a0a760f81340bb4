// Pure queries over recorded requests: which were accepted, their messages, duplicates, and a
// readable summary for wait timeouts.
import type { BatchMessage, RecordedRequest } from './types.js'

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

export const isAccepted = (record: RecordedRequest): boolean => record.status >= 200 && record.status < 300

/** The objects in a request's `batch` array, accepted or not. */
export function messagesOf(record: RecordedRequest): BatchMessage[] {
  const batch = isObject(record.body) ? record.body.batch : undefined
  return Array.isArray(batch) ? batch.filter(isObject) : []
}

export function acceptedMessages(records: readonly RecordedRequest[]): BatchMessage[] {
  return records.filter(isAccepted).flatMap(messagesOf)
}

/** messageId → count, for ids seen more than once: what at-least-once delivery can produce. */
export function countDuplicates(messages: readonly BatchMessage[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { messageId } of messages) {
    if (typeof messageId === 'string') counts.set(messageId, (counts.get(messageId) ?? 0) + 1)
  }
  return new Map([...counts].filter(([, count]) => count > 1))
}

/** `track "Clicked" u-1`: enough to recognise a message in a failure message. */
function describeMessage(message: BatchMessage): string {
  const event = typeof message.event === 'string' ? ` ${JSON.stringify(message.event)}` : ''
  const who = message.userId ?? message.anonymousId ?? message.groupId
  return `${String(message.type)}${event}${typeof who === 'string' ? ` ${who}` : ''}`
}

// Long error lists would bury the point; the full list is on the record.
const MAX_ERRORS_SHOWN = 3

function describeRecord(record: RecordedRequest, index: number): string {
  const answer = record.status === 0 ? 'no answer' : String(record.status)
  const messages = messagesOf(record).map(describeMessage)
  const errors = record.errors.slice(0, MAX_ERRORS_SHOWN)
  const more = record.errors.length > errors.length ? ` (+${record.errors.length - errors.length} more)` : ''
  const problems = errors.length > 0 ? `; errors: ${errors.join('; ')}${more}` : ''
  return `  #${index + 1} ${record.method} ${record.path} → ${answer}: [${messages.join(', ')}]${problems}`
}

/** What arrived so far, one line per request, for the error of a wait that timed out. */
export function describeRecords(records: readonly RecordedRequest[]): string {
  if (records.length === 0) return 'No requests arrived.'
  const accepted = acceptedMessages(records).length
  const lines = records.map(describeRecord)
  return `${accepted} message(s) accepted from ${records.length} request(s):\n${lines.join('\n')}`
}
