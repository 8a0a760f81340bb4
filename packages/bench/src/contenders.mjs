/**
 * The contenders, each behind the same small interface so the child runs them identically:
 *   const c = await contender.create({ url, batch, n })
 *   c.track(seq)      // one call of the workload (SDKs build the call's params here, as an app would)
 *   await c.close()   // flush and wait, per the SDK's own API
 *
 * `batch` is { kind: 'count', flushAt }, { kind: 'max' } or { kind: 'default' }: 'count' sends
 * flushAt events per request (ours with `maxBatchSize: flushAt` too, so no request carries more:
 * the same request shape as the floor); 'max' lets each SDK fill requests up to its own byte cap
 * (ours 500,000 B, Segment and Customer.io 480 KiB; PostHog has no byte cap, so it gets as many
 * events as fit 500,000 bytes of our messages); 'default' leaves every SDK at its defaults.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Agent, request as httpRequest } from 'node:http'
import { trackParams } from './workload.mjs'

const WRITE_KEY = 'bench-write-key'
/** Long enough never to cut a run short; a run has its own watchdog in run.mjs. */
const CLOSE_TIMEOUT = 600_000
/** Effectively "no count limit": the byte cap decides the batch size. */
const UNLIMITED = 1_000_000
const MAX_BODY_BYTES = 500_000

/**
 * Ours, with the batch settings of the run and the given transport (the default is fetch); with
 * `sync`, the on-disk spool (issue 18) in a new directory under the OS temp dir, removed after.
 */
async function createCdp({ url, batch }, transport, sync) {
  const { Analytics } = await import('@cdp-analytics/node')
  const size = batch.kind === 'max' ? UNLIMITED : batch.flushAt
  const dir = sync ? mkdtempSync(join(tmpdir(), 'cdp-bench-spool-')) : undefined
  const client = new Analytics({
    writeKey: WRITE_KEY,
    endpoint: url,
    ...(transport ? { transport: await transport() } : {}),
    ...(batch.kind === 'default' ? {} : { flushAt: size, maxBatchSize: size }),
    ...(dir ? { spool: { dir, sync } } : {}),
  })
  return {
    track: (seq) => client.track(trackParams(seq)),
    close: async () => {
      await client.close({ timeout: CLOSE_TIMEOUT })
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const contenders = {
  cdp: {
    label: 'cdp-analytics',
    create: (options) => createCdp(options),
  },

  'cdp-spool': {
    label: "cdp-analytics + spool (sync: 'interval')",
    create: (options) => createCdp(options, undefined, 'interval'),
  },

  'cdp-spool-never': {
    label: "cdp-analytics + spool (sync: 'never')",
    create: (options) => createCdp(options, undefined, 'never'),
  },

  'cdp-spool-always': {
    label: "cdp-analytics + spool (sync: 'always')",
    create: (options) => createCdp(options, undefined, 'always'),
  },

  'cdp-http': {
    label: 'cdp-analytics (http transport)',
    create: (options) => createCdp(options, async () => (await import('@cdp-analytics/node')).createHttpTransport()),
  },

  'cdp-ky': {
    label: 'cdp-analytics (ky transport)',
    create: (options) => createCdp(options, async () => (await import('@cdp-analytics/node/ky')).createKyTransport()),
  },

  segment: {
    label: '@segment/analytics-node 3.1.0',
    async create({ url, batch }) {
      const { Analytics } = await import('@segment/analytics-node')
      // Segment posts to `${host}${path}`.
      const client = new Analytics({
        writeKey: WRITE_KEY,
        host: url,
        path: '/v1/batch',
        ...(batch.kind === 'default' ? {} : { flushAt: batch.kind === 'max' ? UNLIMITED : batch.flushAt }),
      })
      return {
        track: (seq) => client.track(trackParams(seq)),
        close: () => client.closeAndFlush({ timeout: CLOSE_TIMEOUT }),
      }
    },
  },

  customerio: {
    label: '@customerio/cdp-analytics-node 0.5.9',
    async create({ url, batch }) {
      const { Analytics } = await import('@customerio/cdp-analytics-node')
      const client = new Analytics({
        writeKey: WRITE_KEY,
        host: url,
        path: '/v1/batch',
        ...(batch.kind === 'default' ? {} : { maxEventsInBatch: batch.kind === 'max' ? UNLIMITED : batch.flushAt }),
      })
      return {
        track: (seq) => client.track(trackParams(seq)),
        close: () => client.closeAndFlush({ timeout: CLOSE_TIMEOUT }),
      }
    },
  },

  posthog: {
    label: 'posthog-node 5.70.0 (default queue)',
    create: (options) => createPostHog(options, undefined),
  },

  'posthog-unbounded': {
    label: 'posthog-node 5.70.0 (maxQueueSize = N)',
    create: (options) => createPostHog(options, options.n),
  },

  floor: {
    label: 'floor: JSON.stringify + fetch, 4 in flight',
    create: (options) => createFloor(options, postWithFetch),
  },

  'floor-http': {
    label: 'floor: JSON.stringify + node:http, 4 sockets',
    create: (options) => createFloor(options, postWithHttp()),
  },
}

/** The floors' POST: Node's fetch, reading the answer to its end. */
function postWithFetch(url, headers, body) {
  return fetch(url, { method: 'POST', headers, body }).then((res) => res.arrayBuffer())
}

/** The node:http floor's POST: a keep-alive Agent of 4 sockets, Content-Length, the answer drained. */
function postWithHttp() {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 })
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.on('end', resolve)
        res.on('error', reject)
        res.resume()
      })
      req.on('error', reject)
      req.end(body)
    })
}

async function createPostHog({ url, batch }, maxQueueSize) {
  const { PostHog } = await import('posthog-node')
  // PostHog posts to `${host}/batch/`, gzipped by default (left on: it is what users get).
  // It cuts requests of `maxBatchSize` events, so that is set to the batch size too.
  const size = batch.kind === 'max' ? maxBatchCount() : batch.flushAt
  const client = new PostHog('phc_bench', {
    host: url,
    ...(batch.kind === 'default' ? {} : { flushAt: size, maxBatchSize: size }),
    ...(maxQueueSize ? { maxQueueSize } : {}),
  })
  return {
    track: (seq) => {
      const { userId, event, properties } = trackParams(seq)
      client.capture({ distinctId: userId, event, properties })
    },
    close: () => client.shutdown(CLOSE_TIMEOUT),
  }
}

/** One fully built message, as cdp-analytics would send it. */
function floorMessage(seq) {
  return {
    ...trackParams(seq),
    type: 'track',
    messageId: randomUUID(),
    timestamp: new Date().toISOString(),
    context: { library: { name: '@cdp-analytics/node', version: '0.1.0' } },
  }
}

/** How many of our messages fit one 500,000-byte request. */
export function maxBatchCount() {
  const bytes = Buffer.byteLength(JSON.stringify(floorMessage(99_999)))
  return Math.floor((MAX_BODY_BYTES - 64) / (bytes + 1))
}

/**
 * The floor: messages built before the clock starts; the timed part is only what no SDK can
 * avoid: JSON.stringify per batch and a POST through fetch, at most 4 in flight.
 */
async function createFloor({ url, batch: requested, n }, post) {
  // The floor has no defaults of its own: it sends flushAt 20, like the Go library's default.
  const batch = requested.kind === 'default' ? { kind: 'count', flushAt: 20 } : requested
  const messages = new Array(n)
  const sizes = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    messages[i] = floorMessage(i)
    if (batch.kind === 'max') sizes[i] = Buffer.byteLength(JSON.stringify(messages[i]))
  }
  const headers = {
    'content-type': 'application/json',
    authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
  }
  const ready = []
  let current = []
  let currentBytes = 0
  let inFlight = 0
  /** Set by close(): resolves once nothing is waiting or in flight. */
  let closed

  const cut = () => {
    if (current.length === 0) return
    ready.push(JSON.stringify({ batch: current, sentAt: new Date().toISOString() }))
    current = []
    currentBytes = 0
  }
  const pump = () => {
    while (inFlight < 4 && ready.length > 0) {
      inFlight++
      const body = ready.shift()
      post(`${url}/v1/batch`, headers, body)
        .catch((error) => console.error('floor: request failed', error))
        .finally(() => {
          inFlight--
          pump()
          if (closed && inFlight === 0 && ready.length === 0) closed()
        })
    }
  }
  return {
    track(seq) {
      if (batch.kind === 'max' && currentBytes + sizes[seq] + current.length + 64 > MAX_BODY_BYTES) cut()
      current.push(messages[seq])
      currentBytes += sizes[seq]
      if (batch.kind !== 'max' && current.length >= batch.flushAt) {
        cut()
        pump()
      } else if (batch.kind === 'max' && ready.length > 0) {
        pump()
      }
    },
    close() {
      cut()
      pump()
      if (inFlight === 0) return Promise.resolve()
      return new Promise((resolve) => (closed = resolve))
    },
  }
}
