/**
 * Pure counting for `bench:browser-leave`: what reached the collector, what a page kept in
 * localStorage for later, and the min/median of a scenario's rounds. Counts, never timings.
 */

// The collector's batch route, in both forms (`/v1/batch`, and `/v1/b` that pages use).
const BATCH_ROUTE = /\/v1\/(batch|b)$/

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The messages of one recorded request whose `properties.bench_id` starts with `prefix`. */
function benchMessages(record, prefix) {
  const batch = isObject(record.body) && Array.isArray(record.body.batch) ? record.body.batch : []
  return batch.filter((message) => isObject(message) && String(message.properties?.bench_id ?? '').startsWith(`${prefix}-`))
}

/**
 * From the collector's recorded requests: distinct messageIds of this scenario's events that were
 * accepted (a 2xx answer), how many copies arrived in all, and the requests, split into those that
 * reached the batch route and any other (an SDK's own metrics, say). The collector counts
 * preflights itself.
 */
export function countDelivery(records, prefix) {
  const accepted = records.filter((record) => record.status >= 200 && record.status < 300)
  const messages = accepted.flatMap((record) => benchMessages(record, prefix))
  const batchRequests = records.filter((record) => BATCH_ROUTE.test(record.path.split('?')[0]))
  return {
    delivered: new Set(messages.map((message) => message.messageId)).size,
    deliveredIds: new Set(messages.map((message) => message.properties.bench_id)),
    copies: messages.length,
    requests: batchRequests.length,
    otherRequests: records.length - batchRequests.length,
  }
}

/**
 * The `${prefix}-N` ids found in localStorage values: events a page kept there for a later page of
 * the same origin to send (each SDK stores its own shape; the bench ids are in all of them).
 */
export function keptIds(storageValues, prefix) {
  const pattern = new RegExp(`"(${prefix}-\\d+)"`, 'g')
  const ids = new Set()
  for (const value of storageValues) for (const match of String(value).matchAll(pattern)) ids.add(match[1])
  return ids
}

/** Kept ids that did not arrive: what a later page could still deliver. A kept copy of a delivered event is not. */
export const keptUndelivered = (kept, deliveredIds) => [...kept].filter((id) => !deliveredIds.has(id)).length

/** min, median (lower middle for an even count, so it is always a count that happened) and max. */
export function spread(values) {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0], median: sorted[(sorted.length - 1) >> 1], max: sorted[sorted.length - 1] }
}

/** `50` when every round agreed, else `min–max (median m)`. */
export function formatSpread(values) {
  const s = spread(values)
  if (!s) return '–'
  return s.min === s.max ? String(s.min) : `${s.min}–${s.max} (median ${s.median})`
}
