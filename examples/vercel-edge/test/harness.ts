// What Vercel does around an Edge route, reduced to what the test needs: build-time `process.env`
// inlining (esbuild `define` in the test), a `fetch` listener that calls the route's POST, and the
// per-request context under Symbol.for('@vercel/request-context') whose waitUntil keeps the
// function alive (edge-runtime's `event.waitUntil`).
import { POST } from '../app/api/track/route.js'

interface FetchEventLike {
  request: Request
  respondWith(response: Promise<Response>): void
  waitUntil(promise: Promise<unknown>): void
}

// Requests are dispatched one at a time in the test, so the current context is the latest one.
let current: { waitUntil(promise: Promise<unknown>): void } | undefined
;(globalThis as Record<symbol, unknown>)[Symbol.for('@vercel/request-context')] = { get: () => current }

addEventListener('fetch', (event) => {
  const fetchEvent = event as unknown as FetchEventLike
  current = { waitUntil: (promise) => fetchEvent.waitUntil(promise) }
  fetchEvent.respondWith(POST(fetchEvent.request))
})
