/**
 * Every option of the client, with its default, and the one function that checks them.
 * Config errors throw from the constructor: nothing can work until they are fixed.
 */
import { ConfigError } from './errors.js'
import { MAX_BATCH_BYTES, MAX_MESSAGE_BYTES, utf8Length } from './limits.js'
import { isPlainObject, UNSAFE_KEYS } from './merge.js'
import { describeValue, errorText, mustBe } from './messages/describe.js'
import { checkContext } from './messages/typed-fields.js'
import { defaultBackoff } from './retry-policy.js'
import type { LimitsCheck } from './customerio/journeys-limits.js'
import type { TrackingPlan, UndeclaredEvents } from './plan.js'
import type { Logger } from './types.js'
import type { Transport } from './transport.js'

/** The client's options; `P` is the type of `plan` (inferred by `new`). */
export interface AnalyticsOptions<P extends TrackingPlan | undefined = undefined> {
  /** API key of your Customer.io HTTP source. Sent as Basic auth; never logged. Required. */
  writeKey: string
  /**
   * The region of your Customer.io workspace: `'us'` sends to `https://cdp.customer.io`, `'eu'` to
   * `https://cdp-eu.customer.io`. It must match the workspace: the API answers data sent to the
   * other region with a 200 and drops it. With `endpoint` too, an endpoint on the other region's
   * host is a ConfigError (a proxy's URL is taken as given). @default 'us' (unless `endpoint` is set)
   */
  region?: Region
  /**
   * Base URL of the API; requests go to `${endpoint}/v1/batch`. Set it for a proxy or a local
   * collector; for the EU region `region: 'eu'` says the same.
   * @default the `region`'s URL, 'https://cdp.customer.io' for 'us'
   */
  endpoint?: string
  /**
   * Start a request as soon as this many messages wait. While every request slot is busy, the
   * next request takes everything that waits, up to `maxBatchSize` and `maxBatchBytes`.
   * @default 20
   */
  flushAt?: number
  /**
   * Most messages one request carries. Requests hold more than `flushAt` only while every slot is
   * busy (a backlog); `maxBatchSize: flushAt` makes every request `flushAt` messages at most.
   * The 500 kB body limit usually binds first (about 770 messages of 650 bytes).
   * @default 1000
   */
  maxBatchSize?: number
  /** Send waiting messages this many milliseconds after the first of them arrived. @default 5000 */
  flushInterval?: number
  /** Retries per batch after the first attempt. With the default backoff, 10 retries span over a minute. @default 10 */
  maxRetries?: number
  /** Per-request timeout in milliseconds. @default 10000 */
  timeout?: number
  /** Messages waiting to be sent, at most; further calls fail with `queue_full`. @default 100000 */
  maxQueueSize?: number
  /** Bytes of JSON waiting to be sent, at most; further calls fail with `queue_full`. @default 134217728 (128 MiB) */
  maxQueueBytes?: number
  /** Largest request body in bytes; may only be lowered. @default 500000 */
  maxBatchBytes?: number
  /** Requests in flight at once (a retrying batch holds its slot). @default 4 */
  maxInFlight?: number
  /** Longest wait before a retry, in ms, including a server's `Retry-After`. @default 30000 */
  maxRetryDelay?: number
  /** Delay in ms before retry number `retry` (1-based), before jitter. @default 500 ms doubling per retry */
  retryBackoff?: (retry: number) => number
  /** How long `close()` waits when called without a timeout, in ms. @default 10000 */
  closeTimeout?: number
  /** Context merged under every call's own `context` (the call wins). @default undefined */
  defaultContext?: Record<string, unknown>
  /** Integrations merged under every call's own `integrations` (the call wins). @default undefined */
  integrations?: Record<string, boolean>
  /** Extra request headers, for a proxy in front of the API. @default undefined */
  headers?: Record<string, string>
  /** Where the client logs. @default console, with debug lines only when `verbose` */
  logger?: Logger
  /** Log every request and retry at debug level. @default false */
  verbose?: boolean
  /** Throw a ValidationError from the call instead of reporting it to the callback. For tests. @default false */
  strict?: boolean
  /**
   * Customer.io's strict mode: send `X-Strict-Mode: 1`, so the API answers data it cannot use
   * with a 400 and its reasons (each message fails with reason `rejected` and the API's detail)
   * instead of a 200 that silently drops it. Turn it on in development and CI. A batch answered
   * 400 goes again in halves until the refused message stands alone (about 2·log2 n more requests
   * for one bad message among n), so its neighbours are still delivered. Not the same as `strict`, which is about how
   * the SDK reports its own validation errors. @default false
   */
  strictMode?: boolean
  /**
   * Send nothing: calls are still validated and serialized, and each valid one is reported
   * delivered (callback without an error, `delivered` event), but no request is made. For tests
   * and local development. @default false
   */
  disable?: boolean
  /**
   * Gzip request bodies of 1 KiB and more (`Content-Encoding: gzip`) where the runtime has
   * `CompressionStream` (Node 20+, workerd, Deno, Bun); plain elsewhere. Byte limits still count
   * the uncompressed JSON. @default false
   */
  compress?: boolean
  /**
   * A tracking plan from `defineTrackingPlan()`: `track()` then accepts only its events, with
   * `properties` typed and validated by each event's schema, and `identify()`/`group()` traits
   * by its `traits`/`groupTraits` schemas. A call that breaks the plan fails alone with a
   * `ValidationError` (reason `invalid`) listing every issue; it is not sent. @default undefined
   */
  plan?: P
  /**
   * With a `plan`, what a `track()` of an event outside it does at run time (TypeScript already
   * refuses one at compile time): `'allow'` sends it; `'reject'` fails it with a `ValidationError`;
   * `'report'` sends it and logs a warning once per event name, so data from JavaScript callers
   * or a plan that lags behind the code is not lost, yet the drift is seen. @default 'report'
   */
  undeclaredEvents?: UndeclaredEvents
  /**
   * Limits to check each message against before it is queued: `journeysLimits()` warns (the
   * `warning` event and a log line naming the field) about what Customer.io Journeys would drop
   * or cut, or refuses it with `journeysLimits({ over: 'reject' })`. @default undefined (no check)
   */
  limits?: LimitsCheck
  /** Replace how requests are sent (for tests: `MemoryTransport`). @default the adapter's HTTP transport */
  transport?: Transport
  /** Generates `messageId`s. @default nanoid() */
  generateId?: () => string
  /** The clock, for `timestamp` and `sentAt`. @default () => new Date() */
  now?: () => Date
}

export interface Settings {
  writeKey: string
  url: string
  flushAt: number
  flushInterval: number
  maxBatchSize: number
  maxRetries: number
  timeout: number
  maxQueueSize: number
  maxQueueBytes: number
  maxBatchBytes: number
  maxMessageBytes: number
  maxInFlight: number
  maxRetryDelay: number
  retryBackoff: (retry: number) => number
  closeTimeout: number
  defaultContext: Record<string, unknown> | undefined
  integrations: Record<string, boolean> | undefined
  headers: Record<string, string>
  verbose: boolean
  strict: boolean
  compress: boolean
  disable: boolean
}

export const DEFAULT_ENDPOINT = 'https://cdp.customer.io'

/** A Customer.io data center. */
export type Region = 'us' | 'eu'

/** The API's base URL in each region (pipelines-api.md §1). */
export const REGION_ENDPOINTS: Record<Region, string> = {
  us: DEFAULT_ENDPOINT,
  eu: 'https://cdp-eu.customer.io',
}

/** CR, LF or NUL in a header value would let it end the header and inject another. */
const HEADER_BREAK = /[\r\n\0]/

export function resolveOptions(options: AnalyticsOptions<TrackingPlan | undefined>): Settings {
  try {
    return readOptions(options)
  } catch (error) {
    if (error instanceof ConfigError) throw error
    // A throwing getter or Proxy among the options: still a config error, with the reason.
    throw new ConfigError(`options could not be read (${errorText(error)})`)
  }
}

/**
 * The integer options: `[default, minimum]`, checked in this order. `maxBatchBytes` is also
 * capped at the API's limit (it may only be lowered).
 */
export const INTEGER_OPTIONS = {
  flushAt: [20, 1],
  flushInterval: [5000, 0],
  maxBatchSize: [1000, 1],
  maxRetries: [10, 0],
  timeout: [10_000, 1],
  maxQueueSize: [100_000, 1],
  maxQueueBytes: [128 * 1024 * 1024, 1],
  maxBatchBytes: [MAX_BATCH_BYTES, 1024],
  maxInFlight: [4, 1],
  maxRetryDelay: [30_000, 0],
  closeTimeout: [10_000, 0],
} satisfies { [K in keyof AnalyticsOptions & keyof Settings]?: [fallback: number, min: number] }

type IntegerOption = keyof typeof INTEGER_OPTIONS

function readOptions(options: AnalyticsOptions<TrackingPlan | undefined>): Settings {
  if (!isPlainObject(options)) throw new ConfigError('options must be an object with at least { writeKey }')
  const { writeKey } = options
  if (typeof writeKey !== 'string' || writeKey.trim() === '') {
    const mistake = writeKey === undefined ? 'is required' : typeof writeKey === 'string' ? 'must not be empty' : 'must be a string'
    throw new ConfigError(`writeKey ${mistake}: the API key of your Customer.io HTTP source (got ${describeValue(writeKey)})`)
  }
  const headers = checkHeaders(options.headers)
  if (options.strictMode === true) headers['X-Strict-Mode'] = '1'
  const url = batchUrl(endpointFor(options.region, options.endpoint))
  const integers = {} as Record<IntegerOption, number>
  for (const [name, [fallback, min]] of Object.entries(INTEGER_OPTIONS) as [IntegerOption, [number, number]][]) {
    integers[name] = integer(name, options[name], fallback, min)
  }
  return {
    writeKey,
    url,
    ...integers,
    maxBatchBytes: Math.min(integers.maxBatchBytes, MAX_BATCH_BYTES),
    maxMessageBytes: MAX_MESSAGE_BYTES,
    retryBackoff: fn('retryBackoff', options.retryBackoff) ?? defaultBackoff,
    defaultContext: contextOption(options.defaultContext),
    integrations: booleans('integrations', options.integrations),
    headers,
    verbose: options.verbose === true,
    strict: options.strict === true,
    compress: options.compress === true,
    disable: options.disable === true,
  }
}

/**
 * The base URL from `region` and `endpoint`. Both may be given (a proxy in front of one region),
 * but an endpoint on the other region's Customer.io host is a mistake that loses data: the API
 * answers 200 there and drops what it cannot attribute.
 */
export function endpointFor(region: unknown, endpoint: string | undefined): string {
  if (region === undefined) return endpoint ?? DEFAULT_ENDPOINT
  // Any case: 'EU' from an environment variable means 'eu'.
  const name = typeof region === 'string' ? region.toLowerCase() : region
  if (name !== 'us' && name !== 'eu') throw new ConfigError(`region must be "us" or "eu" (got ${describeValue(region)})`)
  const other = REGION_ENDPOINTS[name === 'eu' ? 'us' : 'eu']
  if (endpoint && batchUrl(endpoint).startsWith(`${other}/`)) {
    throw new ConfigError(
      `endpoint ${endpoint} is the other region's host (region is ${JSON.stringify(name)}): drop endpoint, or fix region`,
    )
  }
  return endpoint ?? REGION_ENDPOINTS[name]
}

/** `${endpoint}/v1/batch`, tolerating a trailing slash; only http(s) URLs. */
export function batchUrl(endpoint: string): string {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new ConfigError(`endpoint must be an absolute URL such as ${DEFAULT_ENDPOINT} (got ${JSON.stringify(endpoint)})`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`endpoint must use https: (got ${url.protocol})`)
  }
  if (url.username || url.password) throw new ConfigError('endpoint must not carry credentials; use writeKey')
  const base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`
  // The client adds /v1/batch: given in the endpoint too, every request would go to .../v1/v1/batch and fail 404.
  const meant = /\/v1(\/batch)?$/.exec(base)
  if (meant) throw new ConfigError(`endpoint must be the base URL, without ${meant[0]}: use ${base.slice(0, meant.index)}`)
  return `${base}/v1/batch`
}

/**
 * The checks of a client that sends the write key in an `Authorization` header over a connection of
 * its own (Node, the edge; `Runtime.checkConnection`): a writeKey with CR, LF or NUL is a ConfigError,
 * plain http to another machine is warned about. A page sends the key in its body, and its browser
 * reports plain http from an https page itself (mixed content), so the browser client leaves them out.
 */
export function checkConnection({ writeKey, url }: Settings, logger: Logger): void {
  if (HEADER_BREAK.test(writeKey)) throw new ConfigError('writeKey must not contain CR, LF or NUL characters')
  if (isInsecureEndpoint(url)) {
    logger.warn(`endpoint ${new URL(url).origin} uses plain http; the write key and events cross the network readable. Use https.`)
  }
}

/** Whether plain http would carry the write key readably beyond this machine. */
export function isInsecureEndpoint(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  if (protocol !== 'http:') return false
  // Only the IPv4 loopback literal: a DNS name such as 127.0.0.1.nip.io can point anywhere.
  return !(hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname))
}

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < min) {
    // A string is most often an environment variable: say so, and how to convert it.
    const got =
      typeof value === 'string'
        ? `${JSON.stringify(value)}, a string: convert it with Number()`
        : typeof value === 'number'
          ? value
          : describeValue(value)
    throw new ConfigError(`${name} must be an integer of at least ${min} (got ${got})`)
  }
  return value as number
}

function fn<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(`${name} must be a function`)
  return value
}

function object(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  if (!isPlainObject(value)) throw new ConfigError(`${name} must be a plain object`)
  return value
}

/**
 * defaultContext is merged into every message: a value JSON cannot carry, or one the API's
 * context schema rejects, would fail every call, so it is a config error instead.
 */
function contextOption(value: unknown): Record<string, unknown> | undefined {
  const context = object('defaultContext', value)
  if (!context) return undefined
  let json: string
  try {
    json = JSON.stringify(context)
  } catch (cause) {
    throw new ConfigError(`defaultContext cannot be serialized to JSON (${errorText(cause)})`)
  }
  if (utf8Length(json) > MAX_MESSAGE_BYTES) {
    throw new ConfigError(
      `defaultContext is ${utf8Length(json)} bytes of JSON; no message carrying it fits the ${MAX_MESSAGE_BYTES}-byte limit`,
    )
  }
  // Judged as sent: JSON.parse of what every message will carry (a toJSON may change it).
  const issue = checkContext(JSON.parse(json), 'defaultContext')
  if (issue) throw new ConfigError(mustBe(issue.path, issue.expected, issue.got))
  return context
}

/**
 * Integrations map destination names to booleans (pipelines-api.md §8). Anything else would be
 * merged into every message and make the API reject whole batches. Keys that merging skips
 * (`__proto__`, `constructor`, `prototype`) are not checked.
 */
function booleans(name: string, value: unknown): Record<string, boolean> | undefined {
  const map = object(name, value)
  for (const [key, flag] of Object.entries(map ?? {})) {
    if (typeof flag !== 'boolean' && !UNSAFE_KEYS.has(key)) {
      throw new ConfigError(`${name}.${JSON.stringify(key)} must be a boolean (got ${describeValue(flag)})`)
    }
  }
  return map as Record<string, boolean> | undefined
}

/**
 * Headers the client or the HTTP layer owns. Set by hand they either clash with the client's own
 * (`Content-Type`), smuggle framing (`Content-Length`, `Transfer-Encoding`), or make fetch fail
 * every request with a network error that would be retried until the events are lost.
 */
const MANAGED_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
])

/** RFC 9110 §5.5 field values: visible ASCII, space, tab and obs-text; fetch refuses anything else. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

function checkHeaders(value: unknown): Record<string, string> {
  const headers = object('headers', value) ?? {}
  for (const [key, header] of Object.entries(headers)) {
    // JSON.stringify escapes CR/LF, so a hostile name cannot break the error message's line either.
    const name = JSON.stringify(key)
    if (typeof header !== 'string' || !FIELD_VALUE.test(header) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
      throw new ConfigError(
        `headers: ${name} is not a valid header (names are tokens; values are strings of printable Latin-1 without CR/LF)`,
      )
    }
    if (MANAGED_HEADERS.has(key.toLowerCase()))
      throw new ConfigError(`headers must not set ${name}; the client (Authorization from writeKey) and fetch manage it`)
  }
  return { ...headers } as Record<string, string>
}
