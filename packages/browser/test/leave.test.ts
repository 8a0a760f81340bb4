// Leaving the page, in real Chromium (issue 21, "Tests in a real browser"). Pages come from one
// origin and the collector is another, so every request is a real cross-origin request with CORS.
// Assertions are counts and ids, never timings: waits end when the messages are there, bounded by
// generous timeouts.
import { describe, expect, it } from 'vitest'
import { startSlowServer } from './helpers/site.js'
import { collector, page, pageErrors, site, useScene, WRITE_KEY } from './helpers/scene.js'

const WAIT = { timeoutMs: 30_000 }

useScene()

const client = (options: Record<string, unknown> = {}) => ({ writeKey: WRITE_KEY, endpoint: collector.url, ...options })

/** Tracks `count` events with ids `${prefix}-0…`, each with `padding` characters of properties. */
function track(prefix: string, count: number, padding = 0): Promise<void> {
  return page.evaluate(
    ({ prefix, count, padding }) => {
      for (let i = 0; i < count; i++) {
        window.analytics!.track({
          anonymousId: 'a-1',
          messageId: `${prefix}-${i}`,
          event: 'Clicked',
          properties: padding ? { padding: 'x'.repeat(padding) } : {},
        })
      }
    },
    { prefix, count, padding },
  )
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`)
const uniqueIds = () => [...new Set(collector.messages.map((message) => message.messageId as string))].sort()

/** Waits until `count` distinct messageIds arrived (copies of one message count once). */
async function waitForIds(count: number): Promise<void> {
  const deadline = Date.now() + WAIT.timeoutMs
  while (uniqueIds().length < count && Date.now() < deadline) {
    await collector.waitForMessages(collector.messages.length + 1, { timeoutMs: deadline - Date.now() }).catch(() => {})
  }
}

/** What every request of the browser client looks like on the wire: no preflight, no Authorization. */
function expectBrowserRequests(): void {
  expect(collector.preflights).toBe(0)
  for (const request of collector.requests) {
    expect(request.path).toBe('/v1/b')
    expect(request.headers['content-type']).toMatch(/^text\/plain/)
    expect(request.headers.authorization).toBeUndefined()
    expect((request.body as { writeKey?: string }).writeKey).toBe(WRITE_KEY)
    expect(request.valid, request.errors.join('; ')).toBe(true)
  }
}

describe('leaving the page', () => {
  it('50 events then page.goto elsewhere: all 50 arrive, with no preflight', async () => {
    await page.goto(site.page('/a', client()))
    await track('goto', 50)
    await page.goto(site.page('/elsewhere'))
    await collector.waitForMessages(50, WAIT)
    expect(uniqueIds()).toEqual(ids('goto', 50).sort())
    expectBrowserRequests()
    expect(pageErrors).toEqual([])
  })

  it.each([
    { name: 'at the default flushAt (20: one request in flight when the tab closes)', options: {} },
    { name: 'all still queued (flushAt 1000: sent on the way out)', options: { flushAt: 1000, flushInterval: 60_000 } },
  ])('20 events then page.close(), $name: all 20 arrive', async ({ options }) => {
    await page.goto(site.page('/a', client(options)))
    await track('close', 20)
    await page.close()
    await collector.waitForMessages(20, WAIT)
    expect(uniqueIds()).toEqual(ids('close', 20).sort())
    expectBrowserRequests()
  })

  it('20 events still queued, then page.goto: they leave on pagehide by sendBeacon (taken or not, known at once), and nothing is kept', async () => {
    await page.goto(site.page('/a', client({ flushAt: 1000, flushInterval: 60_000 })))
    await track('beacon', 20)
    await page.goto(site.page('/elsewhere'))
    await collector.waitForMessages(20, WAIT)
    expect(uniqueIds()).toEqual(ids('beacon', 20).sort())
    // A beacon is a no-cors request (a fetch from the page is cors): no preflight is ever possible.
    expect(collector.requests.map((request) => request.headers['sec-fetch-mode'])).toEqual(['no-cors'])
    expectBrowserRequests()
    // Taken by the browser, so not kept for the next page, which would only send them again.
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([])
  })

  it('a hidden page (opened in a background tab) keeps each call as it is made, and lets them go once visible', async () => {
    // Headless Chromium never hides a page: the page's visibility is set by hand, the rest is real.
    await page.addInitScript(() => {
      let state: DocumentVisibilityState = 'hidden'
      Object.defineProperty(document, 'visibilityState', { get: () => state })
      ;(window as unknown as { setVisibility(to: DocumentVisibilityState): void }).setVisibility = (to) => {
        state = to
        document.dispatchEvent(new Event('visibilitychange'))
      }
    })
    await page.goto(site.page('/a', client({ flushAt: 1000, flushInterval: 60_000 })))
    const kept = () =>
      page.evaluate(() =>
        Object.entries(localStorage)
          .filter(([key]) => key.startsWith('cdp-analytics:'))
          .flatMap(([, value]) => (JSON.parse(value) as { messageId: string }[]).map((message) => message.messageId)),
      )
    await track('hidden', 3)
    expect(await kept()).toEqual(ids('hidden', 3))
    await page.evaluate(() => (window as unknown as { setVisibility(to: string): void }).setVisibility('visible'))
    expect(await kept()).toEqual([])
    expect(collector.messages).toEqual([]) // nothing sent meanwhile: flushAt 1000, and a visible page batches
  })

  it('300 events of 1 kB in a burst, then the next page of the origin: every messageId arrives, some sent by the next page', async () => {
    // The API far away: requests stay in flight, so the page cannot send everything before it goes.
    collector.setDefaultResponse({ delayMs: 1500 })
    await page.goto(site.page('/a', client()))
    await track('burst', 300, 1000)
    await page.goto(site.page('/b', client()))
    await waitForIds(300)
    // Some messages may arrive twice (a plain fetch the unload did not cancel, and its copy kept
    // for the next page): the API de-duplicates them by messageId. None may be missing.
    expect(uniqueIds()).toEqual(ids('burst', 300).sort())
    const restored = await page.evaluate(() => window.analytics!.stats.restored)
    expect(restored).toBeGreaterThan(0)
    console.info(
      `burst: ${restored} kept for the next page; ${collector.messages.length - 300} duplicates among ${collector.requests.length} requests`,
    )
    expectBrowserRequests()
    expect(pageErrors).toEqual([])
  })

  it('persist: false keeps nothing in localStorage', async () => {
    collector.setDefaultResponse({ delayMs: 1500 })
    await page.goto(site.page('/a', client({ persist: false })))
    await track('nopersist', 300, 1000)
    await page.goto(site.page('/elsewhere'))
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([])
  })

  it('back/forward cache: after a round trip, 10 more events arrive, batched as before', async () => {
    await page.goto(site.page('/a', client({ flushAt: 10, flushInterval: 60_000 })))
    await track('before', 5)
    await page.goto(site.page('/b'))
    await collector.waitForMessages(5, WAIT) // sent on pagehide, on the way into the cache
    // A page restored from the cache fires no load event: wait for its pageshow instead.
    await page.goBack({ waitUntil: 'commit' })
    await page.waitForFunction(() => window.shows?.length === 2)
    expect(await page.evaluate(() => window.shows)).toEqual([false, true]) // restored, not reloaded
    collector.reset()
    await track('after', 10)
    await collector.waitForMessages(10, WAIT)
    expect(uniqueIds()).toEqual(ids('after', 10).sort())
    // Batching works as before the trip: flushAt 10 means one request, not one per event (analytics-next#783).
    expect(collector.requests).toHaveLength(1)
    expectBrowserRequests()
  })

  it.each([
    { name: 'keepalive fetch', extra: undefined },
    { name: 'no keepalive (Firefox before 133): sendBeacon, its return value checked', extra: 'nokeepalive' },
  ])('another 60 kB keepalive request of the page in flight, $name: leaving still delivers, nothing throws', async ({ extra }) => {
    const slow = await startSlowServer(10_000)
    try {
      await page.goto(site.page('/a', client({ flushAt: 1000, flushInterval: 60_000 }), extra))
      await page.evaluate((url) => {
        void fetch(url, { method: 'POST', keepalive: true, body: 'x'.repeat(60_000), headers: { 'content-type': 'text/plain' } }).catch(
          () => {},
        )
      }, slow.url)
      await track('quota', 20, 200)
      await page.goto(site.page('/b', client()))
      await waitForIds(20)
      expect(uniqueIds()).toEqual(ids('quota', 20).sort())
      expect(slow.received()).toBe(1)
      expectBrowserRequests()
      expect(pageErrors).toEqual([])
    } finally {
      await slow.close()
    }
  })
})
