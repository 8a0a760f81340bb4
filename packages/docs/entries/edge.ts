/**
 * The client for Cloudflare Workers, Vercel Edge / Next.js, Deno and Bun: delivery rides on `waitUntil`.
 *
 * @module @cdp-analytics/edge
 */
export * from '@cdp-analytics/edge'
