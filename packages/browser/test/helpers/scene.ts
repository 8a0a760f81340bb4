/**
 * The scene every Chromium test file shares: one browser, the page's site on one 127.0.0.1 origin
 * and the collector on another, started once per file; a fresh context and page per test, with
 * the page's uncaught errors collected. Call `useScene()` at the top of a test file, then read the
 * bindings below (ES live bindings: they hold the current test's objects).
 */
import { type Collector, startCollector } from '@cdp-analytics/node/testing'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { launchChromium } from './chromium.js'
import { bundlePageScript, type Site, startSite } from './site.js'

export const WRITE_KEY = 'browser-test-key'

export let browser: Browser
export let site: Site
export let collector: Collector
export let page: Page
/** The current page's uncaught errors, as text. */
export let pageErrors: string[]

export function useScene(): void {
  beforeAll(async () => {
    const script = await bundlePageScript()
    ;[browser, site, collector] = await Promise.all([launchChromium(), startSite(script), startCollector({ writeKey: WRITE_KEY })])
  })

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close(), collector?.close()])
  })

  beforeEach(async () => {
    collector.reset()
    page = await (await browser.newContext()).newPage()
    const errors: string[] = []
    pageErrors = errors
    page.on('pageerror', (error) => errors.push(String(error)))
  })

  afterEach(async () => {
    await page.context().close()
  })
}
