// The collector over real sockets with Node's fetch: what it records, what it answers, and each
// scripted failure mode as a client sees it.
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { basicAuthorization, startCollector, type Collector } from '../src/testing/index.js'
import { expectValidBatch } from './helpers/spec.js'

const WRITE_KEY = 'test-write-key'
let collector: Collector

beforeEach(async () => {
  collector = await startCollector({ writeKey: WRITE_KEY })
})

afterEach(async () => {
  await collector.close()
})

const track = (n: number, fields: Record<string, unknown> = {}) => ({
  type: 'track',
  userId: 'u-1',
  event: `Event ${n}`,
  messageId: `m-${n}`,
  timestamp: new Date(0).toISOString(),
  ...fields,
})

interface PostOptions {
  path?: string
  headers?: Record<string, string>
  signal?: AbortSignal
  redirect?: RequestRedirect
}

/** POST a body (serialised unless already a string or bytes) the way the SDK would. */
function post(body: unknown, { path = '/v1/batch', headers = {}, ...init }: PostOptions = {}): Promise<Response> {
  return fetch(`${collector.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuthorization(WRITE_KEY), ...headers },
    // Copied so the bytes sit in a plain ArrayBuffer, which is what fetch's BodyInit type asks for.
    body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
    ...init,
  })
}

describe('default answers', () => {
  it('answers 200 {} to a valid batch and records it', async () => {
    const body = { batch: [track(1), track(2)] }
    expectValidBatch(body)
    const response = await post(body)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('{}')
    const [request] = collector.requests
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/batch',
      rawBody: JSON.stringify(body),
      bytes: Buffer.byteLength(JSON.stringify(body)),
      body,
      valid: true,
      errors: [],
      status: 200,
    })
    expect(request?.headers.authorization).toBe(basicAuthorization(WRITE_KEY))
    expect(request?.receivedAt).toBeGreaterThan(0)
    expect(collector.batches).toHaveLength(1)
    expect(collector.messages.map((message) => message.event)).toEqual(['Event 1', 'Event 2'])
  })

  it.each([
    ['no Authorization header', { authorization: '' }],
    ['another write key', { authorization: basicAuthorization('other-key') }],
    ['the key without the trailing colon', { authorization: `Basic ${btoa(WRITE_KEY)}` }],
    ['Bearer instead of Basic', { authorization: `Bearer ${WRITE_KEY}` }],
  ])('answers 401 to %s', async (_description, headers) => {
    const response = await post({ batch: [track(1)] }, { headers })
    expect(response.status).toBe(401)
    expect(collector.requests[0]).toMatchObject({ status: 401, valid: false })
    expect(collector.messages).toEqual([])
  })

  it.each([
    ['a body that is not JSON', '{"batch": [', '(body): not JSON'],
    ['a track without event', { batch: [{ type: 'track', userId: 'u-1' }] }, 'batch[0].event: required'],
    ['a message over 32,000 bytes', { batch: [track(1, { properties: { pad: 'x'.repeat(32_000) } })] }, 'batch[0]: 32'],
  ])('answers 400 with meta.errors to %s', async (_description, body, expected) => {
    const response = await post(body)
    expect(response.status).toBe(400)
    const answer = (await response.json()) as { meta: { errors: string[] } }
    expect(answer.meta.errors).toEqual([expect.stringContaining(expected)])
    expect(collector.requests[0]?.errors).toEqual(answer.meta.errors)
    expect(collector.messages).toEqual([])
  })

  it('accepts anything JSON when validate is false', async () => {
    await collector.close()
    collector = await startCollector({ validate: false })
    const response = await post({ batch: [{ type: 'purchase' }] })
    expect(response.status).toBe(200)
    expect(collector.messages).toEqual([{ type: 'purchase' }])
  })

  it('accepts a gzipped body and records its compressed size', async () => {
    const json = JSON.stringify({ batch: [track(1, { properties: { text: 'a'.repeat(5000) } })] })
    const gzipped = gzipSync(json)
    const response = await post(gzipped, { headers: { 'content-encoding': 'gzip' } })
    expect(response.status).toBe(200)
    expect(collector.requests[0]).toMatchObject({ rawBody: json, bytes: gzipped.length, valid: true })
  })

  it('serves any path ending in /v1/batch, 404s others without using a plan, and 405s GET', async () => {
    collector.enqueueResponses({ status: 503 })
    expect((await post({ batch: [track(1)] }, { path: '/v1/track' })).status).toBe(404)
    expect((await fetch(`${collector.url}/v1/batch`)).status).toBe(405)
    expect((await post({ batch: [track(2)] }, { path: '/proxy/cio/v1/batch' })).status).toBe(503)
    expect(collector.requests.map((request) => request.status)).toEqual([404, 405, 503])
  })

  it.each(['/v1/batch/v1/batch', '/v1/v1/batch', '/proxy/v1/v1/batch'])('404s %s, as the API would, with a hint', async (path) => {
    const response = await post({ batch: [track(1)] }, { path })
    expect(response.status).toBe(404)
    expect(collector.requests[0]!.errors.join()).toMatch(/endpoint must be the base URL/)
  })
})

describe('the browser form: POST /v1/b, text/plain, the write key in the body, CORS', () => {
  const ORIGIN = 'http://127.0.0.1:9999'
  const browserPost = (body: unknown) =>
    fetch(`${collector.url}/v1/b`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify(body),
    })

  it.each([
    { name: 'the right key', writeKey: WRITE_KEY, status: 200, errors: [] },
    {
      name: 'no key',
      writeKey: undefined,
      status: 401,
      errors: ['writeKey: missing from the body (the browser form /v1/b carries it there)'],
    },
    { name: 'another key', writeKey: 'other', status: 401, errors: ['writeKey: not the expected write key'] },
  ])('$name in the body: $status, with Access-Control-Allow-Origin for the page', async ({ writeKey, status, errors }) => {
    const response = await browserPost({ batch: [track(1)], writeKey })
    await response.text()
    expect(response.status).toBe(status)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(collector.requests[0]).toMatchObject({ path: '/v1/b', status, errors })
    expect(collector.messages).toHaveLength(status === 200 ? 1 : 0)
  })

  it('answers and counts a preflight without recording it as a batch; reset() clears the count', async () => {
    const response = await fetch(`${collector.url}/v1/b`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization')
    expect(collector.preflights).toBe(1)
    expect(collector.requests).toEqual([])
    collector.reset()
    expect(collector.preflights).toBe(0)
  })
})

describe('scripted answers', () => {
  it('uses queued plans first, in order, then the default', async () => {
    collector.enqueueResponses({ status: 503 }, { status: 500, body: 'boom' })
    const first = await post({ batch: [track(1)] })
    const second = await post({ batch: [track(2)] })
    const third = await post({ batch: [track(3)] })
    expect([first.status, second.status, third.status]).toEqual([503, 500, 200])
    expect(await first.json()).toEqual({ meta: { errors: ['Service Unavailable'] } })
    expect(await second.text()).toBe('boom')
    expect(collector.batches).toHaveLength(1)
    expect(collector.messages.map((message) => message.messageId)).toEqual(['m-3'])
  })

  it.each([
    [7, '7'],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 'Wed, 21 Oct 2015 07:28:00 GMT'],
  ])('sends Retry-After %s', async (retryAfter, header) => {
    collector.enqueueResponses({ status: 429, retryAfter, headers: { 'x-ratelimit': 'yes' } })
    const response = await post({ batch: [track(1)] })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe(header)
    expect(response.headers.get('x-ratelimit')).toBe('yes')
  })

  it('changes and restores the default answer', async () => {
    collector.setDefaultResponse({ status: 500 })
    expect((await post({ batch: [track(1)] })).status).toBe(500)
    expect((await post({ batch: [track(2)] })).status).toBe(500)
    collector.setDefaultResponse(undefined)
    expect((await post({ batch: [track(3)] })).status).toBe(200)
  })

  it('delays the answer by delayMs', async () => {
    collector.enqueueResponses({ delayMs: 300 })
    const started = performance.now()
    const response = await post({ batch: [track(1)] })
    expect(response.status).toBe(200)
    // Timers may fire a little early relative to performance.now(); allow for that.
    expect(performance.now() - started).toBeGreaterThanOrEqual(280)
  })

  it('reset makes fetch reject with no response', async () => {
    collector.enqueueResponses({ action: 'reset' })
    await expect(post({ batch: [track(1)] })).rejects.toThrow(TypeError)
    expect(collector.requests[0]?.status).toBe(0)
    expect(collector.messages).toEqual([])
  })

  it('hang leaves the client waiting until it gives up', async () => {
    collector.enqueueResponses({ action: 'hang' })
    const signal = AbortSignal.timeout(200)
    await expect(post({ batch: [track(1)] }, { signal })).rejects.toThrow(/timeout|aborted/i)
    expect(collector.requests[0]?.status).toBe(0)
  })

  it('close-after-headers gives the client a status but a body that fails', async () => {
    collector.enqueueResponses({ action: 'close-after-headers' })
    const response = await post({ batch: [track(1)] })
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it('slow-body trickles the body over delayMs', async () => {
    collector.enqueueResponses({ action: 'slow-body', delayMs: 300, body: '{"slow":true}' })
    const response = await post({ batch: [track(1)] })
    const started = performance.now()
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('{"slow":true}')
    expect(performance.now() - started).toBeGreaterThanOrEqual(200)
  })

  it.each([
    ['a status out of range', { status: 42 }, /status must be an integer/],
    ['a negative delay', { delayMs: -1 }, /delayMs must be/],
    ['an unknown action', { action: 'explode' as never }, /action must be one of/],
    ['a header value with a newline', { headers: { 'x-a': 'a\nb' } }, /header "x-a" cannot be sent/],
  ])('refuses to script %s', (_description, plan, message) => {
    expect(() => collector.enqueueResponses(plan)).toThrow(message)
    expect(() => collector.setDefaultResponse(plan)).toThrow(message)
  })

  it('redirects with 307, which fetch follows with the same POST', async () => {
    collector.enqueueResponses({ redirectTo: `${collector.url}/moved/v1/batch` })
    const manual = await post({ batch: [track(1)] }, { redirect: 'manual' })
    expect(manual.status).toBe(307)
    expect(manual.headers.get('location')).toBe(`${collector.url}/moved/v1/batch`)

    collector.enqueueResponses({ redirectTo: `${collector.url}/moved/v1/batch` })
    expect((await post({ batch: [track(2)] })).status).toBe(200)
    expect(collector.requests.map((request) => `${request.status} ${request.path}`)).toEqual([
      '307 /v1/batch',
      '307 /v1/batch',
      '200 /moved/v1/batch',
    ])
  })
})

describe('waiting and bookkeeping', () => {
  it('waitForMessages resolves once enough messages have been accepted', async () => {
    const waiting = collector.waitForMessages(3)
    await post({ batch: [track(1)] })
    await post({ batch: [track(2), track(3)] })
    expect((await waiting).map((message) => message.messageId)).toEqual(['m-1', 'm-2', 'm-3'])
    expect(await collector.waitForRequests(2)).toHaveLength(2)
  })

  it('waitForMessages rejects after its timeout, listing what did arrive', async () => {
    collector.enqueueResponses({ status: 503 })
    await post({ batch: [track(1)] })
    await post({ batch: [{ type: 'track', userId: 'u-1' }] })
    const error = await collector.waitForMessages(2, { timeoutMs: 100 }).catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(Error)
    const message = (error as Error).message
    expect(message).toContain('waitForMessages(2)')
    expect(message).toContain('timed out after 100 ms')
    expect(message).toContain('0 message(s) accepted from 2 request(s)')
    expect(message).toContain('#1 POST /v1/batch → 503: [track "Event 1" u-1]')
    expect(message).toContain('#2 POST /v1/batch → 400: [track u-1]; errors: batch[0].event: required')
  })

  it('counts messageIds accepted more than once', async () => {
    // At-least-once: the server took the batch but the client saw a failure, so it sends it again.
    collector.enqueueResponses({ action: 'close-after-headers' })
    const failed = await post({ batch: [track(1), track(2)] })
    await expect(failed.text()).rejects.toThrow()
    await post({ batch: [track(1), track(2), track(3)] })
    expect(collector.duplicateMessageIds()).toEqual(
      new Map([
        ['m-1', 2],
        ['m-2', 2],
      ]),
    )
  })

  it('reset forgets records, queued plans and the default plan', async () => {
    collector.setDefaultResponse({ status: 500 })
    collector.enqueueResponses({ status: 503 })
    await post({ batch: [track(1)] })
    collector.reset()
    expect(collector.requests).toEqual([])
    expect((await post({ batch: [track(2)] })).status).toBe(200)
  })

  it('close ends hung requests, rejects waiters and is idempotent', async () => {
    collector.enqueueResponses({ action: 'hang' })
    const hung = post({ batch: [track(1)] })
    await collector.waitForRequests(1)
    // The expectation is attached before close() so the rejection is never unhandled.
    const waiterRejects = expect(collector.waitForMessages(1)).rejects.toThrow(/waitForMessages\(1\).*was closed/)
    const first = collector.close()
    expect(collector.close()).toBe(first)
    await first
    await expect(hung).rejects.toThrow(TypeError)
    await waiterRejects
    await expect(collector.close()).resolves.toBeUndefined()
  })
})
