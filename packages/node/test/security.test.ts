// Security tests of issue 4: the write key stays secret (verbose on, hostile servers included),
// header injection is a config error, attacker JSON cannot pollute prototypes through merging,
// plain http to a remote host warns, and the run-time dependencies stay ky, nanoid and valibot.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { inspect } from 'node:util'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Analytics, ConfigError, type AnalyticsError } from '../src/index.js'
import { startCollector, type Collector } from '../src/testing/index.js'
import { client, collector, expectAllValid, quietLogger } from './helpers/setup.js'

// Long enough to be redacted wherever it shows up (keys under 8 characters are not scrubbed).
const SECRET = 'wk_live_Zx9Q4tTopSecret'
const SECRET_B64 = btoa(`${SECRET}:`)

/** Everything the client said, as text: log lines, callback errors (with stacks) and event payloads. */
function eavesdrop() {
  const said: string[] = []
  const record = (...args: unknown[]) =>
    said.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' '))
  const logger = { debug: record, info: record, warn: record, error: record }
  const watch = (analytics: Analytics) => {
    for (const event of ['delivered', 'failed', 'retry', 'request'] as const) {
      analytics.on(event, (payload) => said.push(`${event}: ${inspect(payload, { depth: 10 })}`))
    }
  }
  const callback = (error: Error | undefined) => {
    if (error) said.push(`callback: ${inspect(error, { depth: 10 })} ${error.stack ?? ''} ${JSON.stringify(error)}`)
  }
  return { said, logger, watch, callback }
}

function expectNoSecret(said: string[]): void {
  expect(said.length).toBeGreaterThan(0)
  for (const line of said) {
    expect(line).not.toContain(SECRET)
    expect(line).not.toContain(SECRET_B64)
  }
}

async function secretCollector(): Promise<Collector> {
  return startCollector({ writeKey: SECRET })
}

describe('the write key never appears in logs, errors or events (verbose on)', () => {
  const open: Collector[] = []
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()))
    vi.restoreAllMocks()
  })

  it('through retries, resets, timeouts, rejections, bad input, a full queue and calls after close', async () => {
    const local = await secretCollector()
    open.push(local)
    // A hostile or careless proxy that reflects the request, credentials included, in its error page.
    const reflected = `upstream said no; you sent Authorization: Basic ${SECRET_B64} (key ${SECRET})`
    // Every request after the three scripted faults is refused with it: a 400'd batch is split until
    // each refused message stands alone, so a single scripted 400 could land on a batch whose halves
    // then succeed, and whether anything ended `rejected` depended on arrival order.
    local.enqueueResponses({ status: 503, body: reflected }, { action: 'reset' }, { action: 'hang' })
    local.setDefaultResponse({ status: 400, body: reflected })
    const { said, logger, watch, callback } = eavesdrop()
    const analytics = new Analytics({
      writeKey: SECRET,
      endpoint: local.url,
      verbose: true,
      logger,
      flushAt: 2,
      maxQueueSize: 3,
      timeout: 2000, // the hung request's; a loaded machine's ordinary ones stay well within it
      retryBackoff: () => 5,
      flushOnExit: false,
    })
    watch(analytics)
    analytics.track({ userId: 'u', event: 'one' }, callback)
    analytics.track({ userId: 'u', event: 'two' }, callback)
    analytics.track({ userId: 'u' } as never, callback) // invalid: no event
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    analytics.track({ userId: 'u', event: 'cyclic', properties: cycle }, callback)
    for (let i = 0; i < 5; i++) analytics.track({ userId: 'u', event: `q${i}` }, callback) // some hit queue_full
    // No deadline pressure (issue 20): every scripted answer, the 400 included, is reached.
    await analytics.close({ timeout: 60_000 })
    analytics.identify({ userId: 'u' }, callback) // closed
    await analytics.flush()
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    expect(said.some((line) => line.includes('upstream said no'))).toBe(true) // the server's text is kept...
    expect(said.some((line) => line.includes('[redacted]'))).toBe(true) // ...with the key scrubbed out
    expect(analytics.stats.failedByReason).toMatchObject({ invalid: 1, unserializable: 1, closed: 1 })
    // Every message that was queued ends rejected (with the reflected text scrubbed) or queue_full.
    const { rejected = 0, queue_full: full = 0 } = analytics.stats.failedByReason
    expect(rejected).toBeGreaterThanOrEqual(1)
    expect(rejected + full).toBe(7)
    expectNoSecret(said)
    expectNoSecret([JSON.stringify(analytics.stats)])
  })

  it('through the default console logger, with a dead endpoint', async () => {
    const lines: string[] = []
    for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map((a) => inspect(a)).join(' ')))
    }
    const dead = createServer()
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
    const { port } = dead.address() as { port: number }
    await new Promise((resolve) => dead.close(resolve))
    const analytics = new Analytics({
      writeKey: SECRET,
      endpoint: `http://127.0.0.1:${port}`,
      verbose: true,
      maxRetries: 1,
      retryBackoff: () => 5,
      flushOnExit: false,
    })
    analytics.track({ userId: 'u', event: 'e' })
    await analytics.close({ timeout: 2000 })
    expectNoSecret(lines)
  })

  it('ConfigErrors never echo the key', () => {
    for (const writeKey of [`${SECRET}\r\nX-Injected: 1`, `${SECRET}\n`, `${SECRET}\0`]) {
      let error: unknown
      try {
        new Analytics({ writeKey, flushOnExit: false })
      } catch (thrown) {
        error = thrown
      }
      expect(error).toBeInstanceOf(ConfigError)
      expectNoSecret([inspect(error), (error as Error).message])
    }
  })

  it('a redirect is not followed, so the key is never re-sent to the redirect target', async () => {
    const local = await secretCollector()
    const elsewhere = await startCollector()
    open.push(local, elsewhere)
    local.setDefaultResponse({ status: 308, redirectTo: `${elsewhere.url}/v1/batch` })
    const analytics = client(local.url, { writeKey: SECRET, flushAt: 1 })
    const error = await new Promise<AnalyticsError | undefined>((resolve) =>
      analytics.track({ userId: 'u', event: 'e' }, (err) => resolve(err as AnalyticsError | undefined)),
    )
    expect(error).toMatchObject({ reason: 'rejected', status: 308 })
    expect(error!.message).toMatch(/redirect: set endpoint to the final URL/)
    expect(local.requests).toHaveLength(1)
    expect(elsewhere.requests).toHaveLength(0)
  })
})

describe('header injection is refused as a ConfigError', () => {
  it.each([
    ['CRLF', `${SECRET}\r\nX-Injected: 1`],
    ['LF', 'key\nX-Injected: 1'],
    ['CR', 'key\rX'],
    ['NUL', 'key\0'],
  ])('writeKey with %s', (_name, writeKey) => {
    expect(() => new Analytics({ writeKey, flushOnExit: false })).toThrow(ConfigError)
  })

  it.each([
    ['a value with CRLF', { 'X-Proxy': 'a\r\nX-Injected: 1' }],
    ['a value with LF', { 'X-Proxy': 'a\nb' }],
    ['a value with NUL', { 'X-Proxy': 'a\0b' }],
    ['a value with another control character', { 'X-Proxy': 'a\u0001b' }],
    ['a value beyond Latin-1', { 'X-Proxy': 'price in €' }],
    ['a value that is not a string', { 'X-Proxy': 42 }],
    ['a name with CRLF', { 'X-A\r\nX-Injected': '1' }],
    ['a name with a colon', { 'X-A: 1\r\nX-B': '1' }],
    ['a name with a space', { 'X A': '1' }],
    ['an empty name', { '': '1' }],
    ['Authorization', { Authorization: 'Basic Zm9vOg==' }],
    ['authorization in lower case', { authorization: 'Bearer x' }],
    ['Content-Length (request smuggling)', { 'Content-Length': '5' }],
    ['Transfer-Encoding (request smuggling)', { 'Transfer-Encoding': 'chunked' }],
    ['Host', { Host: 'evil.example' }],
    ['Content-Type (the client sets it)', { 'content-type': 'text/plain' }],
    ['Connection', { Connection: 'close' }],
    ['Expect', { Expect: '100-continue' }],
  ])('custom headers with %s', (_name, headers) => {
    let error: unknown
    try {
      new Analytics({ writeKey: SECRET, headers: headers as Record<string, string>, flushOnExit: false })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(ConfigError)
    // The message names the header on one line: a hostile name cannot forge a log line.
    expect((error as Error).message).not.toMatch(/[\r\n\0]/)
  })

  it('property: any header the constructor accepts is sent as given, and nothing else is added', async () => {
    const local = await collector()
    const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/)
    // Node's http server builds req.headers by assignment, so a header named __proto__ never shows
    // up there (it hits the prototype setter); the client does send it.
    const name = fc
      .oneof(
        token.map((t) => `X-${t}`),
        fc.string({ unit: 'binary', maxLength: 12 }),
      )
      .filter((candidate) => candidate !== '__proto__')
    const value = fc.oneof(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }))
    let sent = 0
    const plain = client(local.url, { flushAt: 1 })
    await new Promise((resolve) => plain.track({ userId: 'u', event: 'e' }, resolve))
    const baseline = Object.keys(local.requests[0]!.headers)
    await fc.assert(
      fc.asyncProperty(name, value, async (headerName, headerValue) => {
        let analytics: Analytics
        try {
          analytics = client(local.url, { headers: { [headerName]: headerValue }, flushAt: 1, maxRetries: 0 })
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError)
          return
        }
        local.reset()
        const error = await new Promise((resolve) => analytics.track({ userId: 'u', event: 'e' }, resolve))
        expect(error).toBeUndefined()
        sent++
        const received = local.requests[0]!.headers
        const lower = headerName.toLowerCase()
        // Exactly one header more than a plain request (or none, when it replaces a default such as Accept).
        expect(new Set(Object.keys(received))).toEqual(new Set([...baseline, lower]))
        // fetch trims surrounding whitespace from values; nothing else may change.
        if (!baseline.includes(lower)) expect(received[lower]).toBe(headerValue.replace(/^[\t ]+|[\t ]+$/g, ''))
      }),
      { numRuns: Number(process.env.RUNS ?? 60) },
    )
    expect(sent).toBeGreaterThan(0)
  })
})

describe('no prototype pollution through merging (JSON-parsed attacker data)', () => {
  const ATTACKS = [
    '{"__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    '{"prototype": {"polluted": "yes"}}',
    '{"nested": {"__proto__": {"polluted": "yes"}, "ok": 1}}',
    '{"page": {"constructor": {"prototype": {"polluted": "yes"}}}}',
  ]

  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted
  })

  // The integrations option must map names to booleans, so the keys merging skips are its only attack.
  const INTEGRATIONS_ATTACK = '{"All": true, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'

  it.each(ATTACKS)('%s as defaultContext, context, integrations, properties, traits and the call itself', async (attack) => {
    const local = await collector()
    const parse = () => JSON.parse(attack) as Record<string, unknown>
    const analytics = client(local.url, { defaultContext: parse(), integrations: JSON.parse(INTEGRATIONS_ATTACK), flushAt: 4 })
    const ownContext = parse()
    const before = JSON.stringify(ownContext)
    const { callback, settled, errors } = collectErrors(4)
    analytics.track({ userId: 'u', event: 'e', context: ownContext, properties: parse() }, callback)
    analytics.identify({ userId: 'u', context: { ...parse(), ip: '10.0.0.1' }, traits: parse() }, callback)
    analytics.page({ ...parse(), userId: 'u', name: 'Home' } as never, callback)
    analytics.group({ userId: 'u', groupId: 'g', integrations: parse() as never }, callback)
    void analytics.flush() // a refused call leaves the batch short of flushAt
    await settled
    await analytics.flush()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
    expect(JSON.stringify(ownContext)).toBe(before) // the caller's object is not mutated
    // Integrations must map names to booleans, so attacker objects there are refused, not merged.
    expect(errors.filter(Boolean).map((e) => e!.reason)).toEqual(errors.filter(Boolean).map(() => 'invalid'))
    for (const message of local.messages) {
      const context = message.context as Record<string, unknown>
      expect(Object.getPrototypeOf(context)).toBe(Object.prototype)
      expect(Object.keys(context)).not.toContain('__proto__')
      expect(Object.keys(context)).not.toContain('constructor')
      expect(Object.keys(context)).not.toContain('prototype')
      expect(context.library).toMatchObject({ name: '@cdp-analytics/node' })
    }
    expect(local.messages.length).toBe(4 - errors.filter(Boolean).length)
    expectAllValid(local)
  })

  it.each(ATTACKS.filter((attack) => /"(nested|page)"/.test(attack)))('%s as the integrations option is a ConfigError', (attack) => {
    expect(() => new Analytics({ writeKey: SECRET, integrations: JSON.parse(attack), flushOnExit: false })).toThrow(ConfigError)
  })
})

function collectErrors(count: number) {
  const errors: (AnalyticsError | undefined)[] = []
  let resolve!: () => void
  const settled = new Promise<void>((r) => (resolve = r))
  const callback = (error: Error | undefined) => {
    errors.push(error as AnalyticsError | undefined)
    if (errors.length === count) resolve()
  }
  return { errors, settled, callback }
}

describe('plain http to anything but this machine logs a warning', () => {
  it.each([
    ['http://cdp.example.com', true],
    ['http://10.0.0.5:8080', true],
    ['http://127.0.0.1.nip.io', true],
    ['http://localhost.example.com', true],
    ['http://[::ffff:7f00:1]', true],
    ['http://localhost:1234', false],
    ['http://127.0.0.1', false],
    ['http://127.1.2.3:9', false],
    ['http://[::1]:8080', false],
    ['https://cdp.customer.io', false],
    ['https://cdp-eu.customer.io/', false],
  ])('%s warns: %s', (endpoint, warns) => {
    const warnings: string[] = []
    new Analytics({
      writeKey: SECRET,
      endpoint,
      logger: { ...quietLogger, warn: (line: string) => warnings.push(line) },
      flushOnExit: false,
    })
    expect(warnings.length).toBe(warns ? 1 : 0)
    if (warns) expect(warnings[0]).toMatch(/plain http.*Use https/)
    expectNoSecret(warns ? warnings : ['(no warning)'])
  })
})

describe('dependencies', () => {
  it('run-time dependencies stay ky (an optional peer), nanoid and valibot', () => {
    const allowed = new Set(['ky', 'nanoid', 'valibot', '@cdp-analytics/core'])
    for (const manifest of ['../package.json', '../../core/package.json']) {
      const {
        dependencies = {},
        peerDependencies = {},
        optionalDependencies = {},
      } = JSON.parse(readFileSync(new URL(manifest, import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>
      for (const name of Object.keys({ ...dependencies, ...peerDependencies, ...optionalDependencies })) expect(allowed).toContain(name)
    }
  })
})
