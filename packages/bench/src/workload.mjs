/**
 * The workload every contender sends: one `track` call per sequence number, about 460 bytes of
 * JSON as the caller writes it (ten properties, one nested object, an array of two products).
 * `properties.seq` lets the sink count deliveries, duplicates and losses.
 */

/** Distinct users the calls rotate through (userId varies from call to call). */
const USERS = 5000

/** The `track` call an application would make for event number `seq`. */
export function trackParams(seq) {
  return {
    userId: `user-${(seq % USERS).toString().padStart(6, '0')}`,
    event: 'Order Completed',
    properties: {
      seq,
      orderId: `ord-${seq.toString(36).padStart(8, '0')}`,
      revenue: 129.95,
      currency: 'USD',
      coupon: 'SPRING25',
      shipping: { method: 'express', cost: 9.5, address: { city: 'Portland', country: 'US' } },
      products: [
        { sku: 'SKU-48213', name: 'Trail shoes', price: 89.95, quantity: 1, category: 'shoes' },
        { sku: 'SKU-10442', name: 'Wool socks', price: 20, quantity: 2, category: 'socks' },
      ],
      step: 4,
      payment: 'card',
      isNew: (seq & 1) === 0,
    },
  }
}

/** Bytes of JSON of one call's input, for the report. */
export function paramsBytes() {
  return Buffer.byteLength(JSON.stringify(trackParams(123456)))
}
