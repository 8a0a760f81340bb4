// Entry for edge-runtime, which runs fetch handlers: the suite runs inside a request and answers its results.
import { runSmoke, type SmokeConfig } from './suite.js'

declare const __SMOKE_CONFIG__: SmokeConfig

addEventListener('fetch', (event) => {
  const fetchEvent = event as unknown as { respondWith(response: Promise<Response>): void }
  fetchEvent.respondWith(runSmoke(__SMOKE_CONFIG__).then((result) => Response.json(result)))
})
