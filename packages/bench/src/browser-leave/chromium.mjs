// Debian's Chromium driven by playwright-core, launched as packages/browser/test/helpers/chromium.ts
// launches it for the browser suite (the same flags, back/forward cache on). A benchmark does not
// install anything: without Chromium it stops and says what to run.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium'

export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM
  if (existsSync(path)) return path
  throw new Error(
    `Chromium not found at ${path}. On Debian or Ubuntu run ` +
      '`sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium`; elsewhere set CHROMIUM_PATH.',
  )
}

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Playwright disables the back/forward cache by default; the bfcache scenario needs it.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  })
}
