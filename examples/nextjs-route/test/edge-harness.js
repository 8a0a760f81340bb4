// What Vercel does around an Edge route, reduced to what the test needs: a `fetch` listener that
// calls the route's POST, and the per-request context under Symbol.for('@vercel/request-context')
// whose waitUntil keeps the function alive (edge-runtime's `event.waitUntil`).
import { POST } from '../app/api/track-edge/route.js'

/** @type {{ waitUntil(promise: Promise<unknown>): void } | undefined} */
let current
Object.assign(globalThis, { [Symbol.for('@vercel/request-context')]: { get: () => current } })

addEventListener('fetch', (event) => {
  const fetchEvent = /** @type {any} */ (event)
  current = { waitUntil: (promise) => fetchEvent.waitUntil(promise) }
  fetchEvent.respondWith(POST(fetchEvent.request))
})
