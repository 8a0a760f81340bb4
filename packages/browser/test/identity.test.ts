// Identity in real Chromium (issue 21): the anonymousId filled into calls without ids, kept where
// the `identity` option says and nowhere else.
import { describe, expect, it } from 'vitest'
import { collector, page, site, useScene, WRITE_KEY } from './helpers/scene.js'

useScene()

/** Tracks one event without userId or anonymousId, flushes, and returns the callback's error reason. */
function trackAnonymously(event: string): Promise<string | undefined> {
  return page.evaluate(async (event) => {
    let reason: string | undefined
    window.analytics!.track({ event }, (error) => {
      reason = error?.reason
    })
    await window.analytics!.flush()
    return reason
  }, event)
}

const stored = () => page.evaluate(() => ({ storage: Object.keys(localStorage), cookie: document.cookie }))

describe('identity', () => {
  it.each([
    { identity: 'localStorage', kept: { storage: ['cdp_anonymous_id'], cookie: '' } },
    { identity: 'cookie', kept: { storage: [], cookie: expect.stringMatching(/^cdp_anonymous_id=[\w-]{21}$/) } },
  ])('identity: $identity: the anonymousId survives a reload, kept there and nowhere else', async ({ identity, kept }) => {
    const url = site.page('/a', { writeKey: WRITE_KEY, endpoint: collector.url, identity })
    await page.goto(url)
    expect(await trackAnonymously('First')).toBeUndefined()
    await page.reload()
    expect(await trackAnonymously('Second')).toBeUndefined()
    const [first, second] = collector.messages
    expect(first!.anonymousId).toMatch(/^[\w-]{21}$/)
    expect(second!.anonymousId).toBe(first!.anonymousId)
    expect(await stored()).toEqual(kept)
  })

  it('the default (memory): an anonymousId for this page only, and nothing written to storage or cookies', async () => {
    const url = site.page('/a', { writeKey: WRITE_KEY, endpoint: collector.url })
    await page.goto(url)
    expect(await trackAnonymously('First')).toBeUndefined()
    await page.reload()
    expect(await trackAnonymously('Second')).toBeUndefined()
    const [first, second] = collector.messages
    expect(first!.anonymousId).toMatch(/^[\w-]{21}$/)
    expect(second!.anonymousId).not.toBe(first!.anonymousId)
    expect(await stored()).toEqual({ storage: [], cookie: '' })
  })

  it('identity: false fills in nothing: a call without ids is invalid, as in the core', async () => {
    await page.goto(site.page('/a', { writeKey: WRITE_KEY, endpoint: collector.url, identity: false }))
    expect(await trackAnonymously('Nobody')).toBe('invalid')
    expect(collector.messages).toEqual([])
  })

  it('a call with its own ids keeps them', async () => {
    await page.goto(site.page('/a', { writeKey: WRITE_KEY, endpoint: collector.url, identity: 'localStorage' }))
    await page.evaluate(() => {
      window.analytics!.track({ userId: 'u-1', event: 'Known' })
      return window.analytics!.flush()
    })
    expect(collector.messages[0]).toMatchObject({ userId: 'u-1' })
    expect(collector.messages[0]!.anonymousId).toBeUndefined()
  })
})
