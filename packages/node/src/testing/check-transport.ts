// The Transport contract, written once: drives any Transport against a local collector over real
// HTTP and returns the rules it breaks. Runner-agnostic (no test framework): a test asserts that
// the list is empty, and a broken rule says what happened.
import { createServer } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { Transport, TransportRequest, TransportResult } from '@cdp-analytics/core'
import { startCollector } from './collector.js'
import type { Collector } from './types.js'
import { basicAuthorization } from './verdict.js'

export type TransportRule =
  | 'body'
  | 'status'
  | 'reuse'
  | 'stalled-body'
  | 'timeout'
  | 'abort'
  | 'redirect'
  | 'detail'
  | 'never-throws'
  | 'gzip'

export interface TransportViolation {
  rule: TransportRule
  /** What was expected and what happened, in one line. */
  message: string
}

export interface CheckTransportOptions {
  /** The client's `maxInFlight`: concurrent sends may use at most this many connections. @default 4 */
  maxInFlight?: number
  /** Sequential sends in the connection-reuse rule. @default 12 */
  sends?: number
  /** The request timeout of the timeout rules, in ms. @default 300 */
  timeout?: number
  /** Check only these rules. @default all */
  rules?: TransportRule[]
}

/** How much of an error body a transport may keep (the core's transports keep 500 characters). */
export const MAX_DETAIL_CHARS = 500
const WRITE_KEY = 'wk_check_transport_0123'
/** Extra time a send may take past its deadline on a busy machine. */
const SLACK_MS = 400

type Send = (request?: Partial<TransportRequest>, guardMs?: number) => Promise<Sent>
type Sent = { result?: TransportResult; threw?: unknown; ms: number }

interface Context {
  collector: Collector
  send: Send
  options: Required<Omit<CheckTransportOptions, 'rules'>>
  fail: (message: string) => void
}

const json = (text: string) =>
  `{"batch":[{"type":"track","userId":"u-1","event":"${text}","messageId":"m-${text}","timestamp":"2026-01-01T00:00:00.000Z"}],"sentAt":"2026-01-01T00:00:00.000Z"}`

const describe = (sent: Sent): string =>
  sent.threw !== undefined
    ? `threw ${String(sent.threw)}`
    : sent.result === undefined
      ? `did not settle`
      : sent.result.kind === 'response'
        ? `response ${sent.result.status}`
        : sent.result.kind === 'full'
          ? `full: ${sent.result.detail}`
          : `network-error (timedOut: ${sent.result.timedOut}, aborted: ${sent.result.aborted}): ${String(sent.result.error)}`

function isResponse(sent: Sent, status: number): sent is Sent & { result: Extract<TransportResult, { kind: 'response' }> } {
  return sent.result?.kind === 'response' && sent.result.status === status
}

const RULES: Record<TransportRule, (ctx: Context) => Promise<void>> = {
  /** The body arrives byte for byte, UTF-8 and all (Content-Length counts bytes, not characters). */
  async body({ collector, send, fail }) {
    collector.reset()
    const body = json('héllo ✓ 😀')
    const sent = await send({ body })
    if (!isResponse(sent, 200)) return fail(`a valid batch should be answered 200; got ${describe(sent)}`)
    const [request] = collector.requests
    if (request?.rawBody !== body) fail(`the collector received ${JSON.stringify(request?.rawBody)} instead of the body sent`)
    if (request && request.method !== 'POST') fail(`method ${request.method}, not POST`)
    if (request && request.headers.authorization !== basicAuthorization(WRITE_KEY)) fail('the Authorization header did not arrive')
  },

  /** Every status is a response, with its Retry-After as sent. */
  async status({ collector, send, fail }) {
    const cases: { status: number; retryAfter?: string }[] = [
      { status: 200 },
      { status: 201 },
      { status: 400 },
      { status: 401 },
      { status: 404 },
      { status: 408 },
      { status: 413 },
      { status: 429, retryAfter: '7' },
      { status: 500 },
      { status: 501 },
      { status: 503, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' },
      { status: 504 },
    ]
    collector.reset()
    for (const { status, retryAfter } of cases) {
      collector.enqueueResponses({ status, ...(retryAfter ? { retryAfter } : {}) })
      const sent = await send()
      if (!isResponse(sent, status)) {
        fail(`status ${status} should be a response with that status; got ${describe(sent)}`)
        continue
      }
      const got = sent.result.retryAfter ?? undefined
      if (got !== retryAfter) fail(`status ${status}: retryAfter should be ${JSON.stringify(retryAfter)}, got ${JSON.stringify(got)}`)
    }
  },

  /** 2xx bodies are consumed, so sequential sends reuse kept-alive connections: at most maxInFlight of them. */
  async reuse({ collector, send, fail, options }) {
    collector.reset()
    // A body larger than a socket read, so a transport that leaves it unread cannot reuse the connection.
    collector.setDefaultResponse({ status: 200, body: JSON.stringify({ padding: 'x'.repeat(64 * 1024) }) })
    for (let i = 0; i < options.sends; i++) {
      const sent = await send()
      if (!isResponse(sent, 200)) return fail(`send ${i + 1} of ${options.sends}: expected response 200, got ${describe(sent)}`)
    }
    const sequential = new Set(collector.requests.map((r) => r.connection)).size
    if (sequential > options.maxInFlight) {
      fail(
        `${options.sends} sequential sends used ${sequential} connections (at most ${options.maxInFlight}): bodies unread or no keep-alive`,
      )
    }
    collector.setDefaultResponse(undefined)
  },

  /** The request timeout also bounds a body that stalls after its headers. */
  async 'stalled-body'({ collector, send, fail, options }) {
    collector.reset()
    for (const status of [200, 503]) {
      collector.enqueueResponses({ status, action: 'slow-body', delayMs: 30_000 })
      const sent = await send({ timeout: options.timeout }, options.timeout + 2000)
      if (sent.result === undefined) fail(`a ${status} whose body stalls: ${describe(sent)} within ${options.timeout + 2000} ms`)
      else if (sent.ms > options.timeout + SLACK_MS) {
        fail(`a ${status} whose body stalls took ${sent.ms} ms to settle with timeout ${options.timeout}`)
      } else if (!isResponse(sent, status)) {
        // The status arrived: reporting a network error instead would re-send a delivered batch.
        fail(`a ${status} whose body stalls should still be a response ${status}; got ${describe(sent)}`)
      }
    }
  },

  /** No answer at all: a network error with `timedOut: true`, within the timeout. */
  async timeout({ collector, send, fail, options }) {
    collector.reset()
    collector.enqueueResponses({ action: 'hang' })
    const sent = await send({ timeout: options.timeout }, options.timeout + 2000)
    if (sent.result?.kind !== 'network-error' || !sent.result.timedOut) {
      fail(`no answer within the timeout should be a network-error with timedOut: true; got ${describe(sent)}`)
    } else if (sent.ms > options.timeout + SLACK_MS) fail(`timeout ${options.timeout} ms, but the send took ${sent.ms} ms`)
  },

  /** The close signal aborts a request in flight, and an aborted signal sends nothing. */
  async abort({ collector, send, fail }) {
    collector.reset()
    collector.enqueueResponses({ action: 'hang' })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const sent = await send({ signal: controller.signal, timeout: 10_000 }, 2000)
    if (sent.result?.kind !== 'network-error' || sent.result.timedOut) {
      fail(`aborting the signal should end the send as a network-error (not timed out); got ${describe(sent)}`)
    } else if (sent.ms > 100 + SLACK_MS) fail(`the send ended ${sent.ms} ms after it started, the signal aborted at 100 ms`)
    else if (sent.result.aborted !== true) fail('a send ended by the close signal should say aborted: true')
    collector.reset()
    const early = new AbortController()
    early.abort()
    const before = await send({ signal: early.signal })
    if (before.result?.kind !== 'network-error') fail(`an already aborted signal should give a network-error; got ${describe(before)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    if (collector.requests.length > 0) fail('an already aborted signal still delivered the request')
  },

  /** A redirect is reported as its status and never followed. */
  async redirect({ collector, send, fail }) {
    for (const status of [301, 302, 307, 308]) {
      collector.reset()
      collector.enqueueResponses({ status, redirectTo: `${collector.url}/elsewhere/v1/batch` })
      const sent = await send()
      if (!isResponse(sent, status)) fail(`a ${status} redirect should be a response ${status}; got ${describe(sent)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
      if (collector.requests.length !== 1) fail(`a ${status} redirect was followed (${collector.requests.length} requests arrived)`)
    }
  },

  /** An error body's detail is kept, trimmed and cut to MAX_DETAIL_CHARS. */
  async detail({ collector, send, fail }) {
    collector.reset()
    collector.enqueueResponses({ status: 500, body: `  oops ${'x'.repeat(20_000)}` }, { status: 400, body: 'bad field' })
    const long = await send()
    if (!isResponse(long, 500)) return fail(`expected response 500, got ${describe(long)}`)
    const detail = long.result.detail ?? ''
    if (!detail.startsWith('oops x')) fail(`an error body's detail should be its trimmed start; got ${JSON.stringify(detail.slice(0, 40))}`)
    if (detail.length > MAX_DETAIL_CHARS) fail(`an error body's detail is ${detail.length} characters, over ${MAX_DETAIL_CHARS}`)
    const short = await send()
    if (!isResponse(short, 400) || short.result.detail !== 'bad field')
      fail(
        `a 400 with body "bad field" gave ${describe(short)} with detail ${JSON.stringify(isResponse(short, 400) ? short.result.detail : undefined)}`,
      )
  },

  /** Refused, reset, truncated, unparsable: always a result, never a throw or a rejection. */
  async 'never-throws'({ collector, send, fail }) {
    collector.reset()
    const port = await deadPort()
    const refused = await send({ url: `http://127.0.0.1:${port}/v1/batch` })
    if (refused.result?.kind !== 'network-error') fail(`connection refused should be a network-error; got ${describe(refused)}`)
    collector.enqueueResponses({ action: 'reset' })
    const reset = await send()
    if (reset.result?.kind !== 'network-error') fail(`a connection reset should be a network-error; got ${describe(reset)}`)
    collector.enqueueResponses({ status: 503, action: 'close-after-headers' })
    const cut = await send()
    if (cut.result === undefined) fail(`a response cut after its headers: ${describe(cut)}`)
    for (const url of ['not a url', 'ftp://127.0.0.1/v1/batch']) {
      const bad = await send({ url })
      if (bad.result === undefined) fail(`url ${JSON.stringify(url)}: ${describe(bad)}`)
    }
    const header = await send({ headers: { 'X-Bad': 'a\u0100b' } })
    if (header.result === undefined) fail(`a header value outside Latin-1: ${describe(header)}`)
  },

  /** A gzipped body (Content-Encoding: gzip) arrives as bytes and decodes to the same JSON. */
  async gzip({ collector, send, fail }) {
    collector.reset()
    const text = json(`gz-${'é'.repeat(2000)}`)
    const bytes = new Uint8Array(gzipSync(text))
    const sent = await send({ body: bytes, headers: { ...headers(), 'Content-Encoding': 'gzip' } })
    if (!isResponse(sent, 200)) return fail(`a gzipped valid batch should be answered 200; got ${describe(sent)}`)
    const [request] = collector.requests
    if (request?.rawBody !== text) fail('the gzipped body did not decode to the JSON sent')
    if (request && request.bytes !== bytes.byteLength) fail(`${request.bytes} bytes arrived for a gzipped body of ${bytes.byteLength}`)
  },
}

function headers(): Record<string, string> {
  return { 'Content-Type': 'application/json', Authorization: basicAuthorization(WRITE_KEY) }
}

/** A port with nothing listening. */
async function deadPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Drives `transport` against a local collector, rule by rule, and returns every rule it breaks:
 * an empty list when it conforms. Never throws for a misbehaving transport (a throw or a send that
 * never settles is itself a broken rule). Takes a few seconds.
 */
export async function checkTransport(transport: Transport, options: CheckTransportOptions = {}): Promise<TransportViolation[]> {
  const settings = { maxInFlight: options.maxInFlight ?? 4, sends: options.sends ?? 12, timeout: options.timeout ?? 300 }
  const collector = await startCollector({ writeKey: WRITE_KEY })
  const violations: TransportViolation[] = []
  const send: Send = async (overrides = {}, guardMs = 5000) => {
    const request: TransportRequest = {
      url: `${collector.url}/v1/batch`,
      headers: headers(),
      body: json('check'),
      timeout: 5000,
      signal: new AbortController().signal,
      ...overrides,
    }
    const started = Date.now()
    let guard: ReturnType<typeof setTimeout> | undefined
    try {
      const result = await Promise.race([
        transport.send(request),
        new Promise<undefined>((resolve) => {
          guard = setTimeout(() => resolve(undefined), guardMs)
        }),
      ])
      return { result, ms: Date.now() - started }
    } catch (threw) {
      return { threw: threw ?? 'undefined', ms: Date.now() - started }
    } finally {
      clearTimeout(guard)
    }
  }
  try {
    for (const rule of options.rules ?? (Object.keys(RULES) as TransportRule[])) {
      const fail = (message: string) => violations.push({ rule, message })
      const checked: Send = async (...args) => {
        const sent = await send(...args)
        if (sent.threw !== undefined) fail(`send threw or rejected: ${String(sent.threw)}`)
        return sent
      }
      try {
        await RULES[rule]({ collector, send: checked, options: settings, fail })
      } catch (error) {
        fail(`the check itself failed: ${String(error)}`)
      }
      collector.setDefaultResponse(undefined)
    }
  } finally {
    await collector.close()
  }
  return violations
}
