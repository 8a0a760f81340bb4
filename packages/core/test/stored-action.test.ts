// What each outcome of a stored message means for its record (a Redis entry, a Queue message):
// one table for every durable path.
import { describe, expect, it } from 'vitest'
import { ClosedError, DeliveryError, QueueFullError, storedAction, ValidationError } from '../src/index.js'

const rejected = (status: number | undefined) => new DeliveryError('delivery failed', 'rejected', status, 1)

describe('storedAction: an outcome, and what happens to the record that holds the message', () => {
  it.each([
    ['delivered', undefined, 'ack'],
    ['400: the API refused this message alone (after the split)', rejected(400), 'dead-letter'],
    ['413: this message alone over a proxy limit', rejected(413), 'dead-letter'],
    ['422, another refusal of the body', rejected(422), 'dead-letter'],
    ['401: the write key, for every message alike', rejected(401), 'stop'],
    ['403', rejected(403), 'stop'],
    ['404: the endpoint', rejected(404), 'stop'],
    ['307: a redirect, not followed', rejected(307), 'stop'],
    ['501', rejected(501), 'stop'],
    ['a URL fetch refuses (no status)', rejected(undefined), 'stop'],
    ['out of retries (a finite maxRetries)', new DeliveryError('x', 'retries_exhausted', 503, 3), 'retry'],
    ['an internal error', new DeliveryError('x', 'internal', undefined, 0), 'retry'],
    ["stop()'s deadline", new DeliveryError('x', 'deadline', undefined, 1), 'keep'],
    ['the client closed', new ClosedError('closed'), 'keep'],
    ['queue full', new QueueFullError('full'), 'keep'],
    ['no message (invalid JSON)', new ValidationError('stored message: not JSON', 'stored', ''), 'dead-letter'],
  ])('%s → %s', (_name, error, action) => {
    expect(storedAction(error)).toBe(action)
  })
})
