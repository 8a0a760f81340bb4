/**
 * What a stored message's outcome means for the record that holds it: one decision for every
 * durable path that hands messages to the core through `enqueueStored()` (a Redis Streams
 * forwarder's entries, a Cloudflare Queue consumer's messages), tested as a table in
 * test/stored-action.test.ts.
 */
import type { AnalyticsError, DeliveryError } from './errors.js'

/**
 * - `ack`: delivered: the record may go.
 * - `dead-letter`: it will never be delivered (the API refused it alone, or it is no message):
 *   kept aside with the error, out of the way of the rest.
 * - `retry`: out of retries in this process (a finite `maxRetries`), or an internal error: the
 *   record goes round again later.
 * - `keep`: not tried to the end here (a deadline, the client closing, its queue full): the record
 *   stays for the next try, which should not count as a failed delivery.
 * - `stop`: the configuration is wrong for every message alike (401, 403, 404, a redirect, 501,
 *   505, a URL fetch refuses): nothing can be delivered until it is fixed; keep everything.
 */
export type StoredAction = 'ack' | 'dead-letter' | 'retry' | 'keep' | 'stop'

export function storedAction(error: AnalyticsError | undefined): StoredAction {
  if (!error) return 'ack'
  switch (error.reason) {
    case 'rejected': {
      const status = (error as DeliveryError).status
      // No status: a URL fetch refuses (bad port, unknown scheme); 3xx: a redirect not followed.
      // Refusals that name the write key or the endpoint, not a message.
      if (status === undefined || [401, 403, 404, 501, 505].includes(status) || (status >= 300 && status < 400)) return 'stop'
      return 'dead-letter'
    }
    case 'invalid':
    case 'too_large':
    case 'unserializable':
      return 'dead-letter'
    case 'retries_exhausted':
    case 'internal':
      return 'retry'
    default:
      return 'keep' // deadline, closed, queue_full
  }
}
