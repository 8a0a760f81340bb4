/**
 * The commands that carry out what a message's outcome means for its stream entry (the core's
 * `storedAction` decides: ack, dead-letter, retry, keep, stop), as pure functions tested as tables
 * in test/redis-policy.test.ts.
 */
import type { Command } from './client.js'

/** What a dead-letter entry records. */
export interface DeadLetter {
  /** The entry's id in the stream it came from. */
  entry: string
  /** The message's JSON as the producer wrote it ('' when the entry had none). */
  message: string
  messageId: string
  /** Why it was not delivered: the API's answer, or what was wrong with the entry. */
  error: string
  /** Redis's delivery count when it was moved. */
  deliveries: number
}

/** The commands that move entries to the dead-letter stream and out of the group and stream, all at once. */
export function deadLetterCommands(
  source: { stream: string; group: string; deadLetterStream: string; consumer: string },
  dead: readonly DeadLetter[],
  at: Date,
): Command[] {
  if (dead.length === 0) return []
  const ids = dead.map((entry) => entry.entry)
  const added: Command[] = dead.map((entry) => [
    'XADD',
    source.deadLetterStream,
    '*',
    'message',
    entry.message,
    'messageId',
    entry.messageId,
    'error',
    entry.error,
    'entry',
    entry.entry,
    'deliveries',
    String(entry.deliveries),
    'consumer',
    source.consumer,
    'failedAt',
    at.toISOString(),
  ])
  return [...added, ...ackCommands(source, ids)]
}

/** `XACK` + `XDEL` of delivered entries: out of the group's pending list and out of the stream. */
export function ackCommands(source: { stream: string; group: string }, ids: readonly string[]): Command[] {
  if (ids.length === 0) return []
  return [
    ['XACK', source.stream, source.group, ...ids],
    ['XDEL', source.stream, ...ids],
  ]
}

/**
 * Entries handed back at `stop()` (or a configuration error): still pending under this consumer,
 * made claimable at once (idle `claimIdleMs`) with their delivery count as it was before this
 * forwarder took them, so a stop or a wrong key does not count as a failed delivery. One `XCLAIM`
 * per count (`RETRYCOUNT` takes one value).
 */
export function handBackCommands(
  source: { stream: string; group: string; consumer: string },
  entries: readonly { id: string; deliveries: number }[],
  claimIdleMs: number,
): Command[] {
  const byCount = new Map<number, string[]>()
  for (const { id, deliveries } of entries) {
    const count = Math.max(0, deliveries - 1)
    const ids = byCount.get(count)
    if (ids) ids.push(id)
    else byCount.set(count, [id])
  }
  return [...byCount].map(([count, ids]) => [
    'XCLAIM',
    source.stream,
    source.group,
    source.consumer,
    '0',
    ...ids,
    'IDLE',
    String(claimIdleMs),
    'RETRYCOUNT',
    String(count),
    'JUSTID',
  ])
}

/** The last error an entry met, or what a count over `maxDeliveries` says without one. */
export function deliveriesError(deliveries: number, maxDeliveries: number, lastError: string | undefined): string {
  const over = `delivered ${deliveries} times, more than maxDeliveries ${maxDeliveries}`
  return lastError
    ? `${over}; last error: ${lastError}`
    : `${over}, each time without an outcome (the forwarders holding it stopped, crashed or lost Redis first)`
}
