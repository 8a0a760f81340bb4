// The same Hono app on Cloudflare Workers with @cdp-analytics/edge: one client per isolate, made on
// the first request (the write key is a secret in `env`), bound to each request's ExecutionContext,
// so the request's events are sent inside its waitUntil after the response: no timer, no flush.
import { Analytics } from '@cdp-analytics/edge'
import { createApp } from './app.mjs'

/** @type {Analytics | undefined} */
let analytics

/** @param {{ CDP_WRITE_KEY: string, CDP_ENDPOINT?: string }} env */
const client = (env) => (analytics ??= new Analytics({ writeKey: env.CDP_WRITE_KEY, endpoint: env.CDP_ENDPOINT }))

export default createApp((c) => client(c.env).bind(c.executionCtx))
