// The browser example end to end, no account needed: builds the page with Vite, serves it on
// 127.0.0.1, opens it in headless Chromium, clicks "Buy" (a link that navigates at once), closes the
// tab on the next page, and shows what arrived at a local collector (another origin, as the API is).
//
//   npm start                         # local collector; Chromium from Debian's package
//   CHROMIUM_PATH=/path/to/chrome npm start
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startCollector } from '@cdp-analytics/node/testing'
import { chromium } from 'playwright-core'
import { build } from 'vite'

const here = fileURLToPath(new URL('.', import.meta.url))
const WRITE_KEY = 'demo-js-source-key'
const EXPECTED = 3 // page "Pricing", track "Clicked Buy", page "Thanks"

const executablePath = process.env.CHROMIUM_PATH || '/usr/lib/chromium/chromium'
if (!existsSync(executablePath)) {
  console.error(
    `Chromium is missing (${executablePath}). On Debian or Ubuntu: sudo apt-get install -y --no-install-recommends chromium; elsewhere set CHROMIUM_PATH.`,
  )
  process.exit(1)
}

const collector = await startCollector({ writeKey: WRITE_KEY })
// Vite puts VITE_* variables of the environment into import.meta.env.
process.env.VITE_CDP_WRITE_KEY = WRITE_KEY
process.env.VITE_CDP_ENDPOINT = collector.url
await build({ root: here, logLevel: 'warn' })

const types = { '.html': 'text/html', '.js': 'text/javascript' }
const site = createServer(async (req, res) => {
  const path = join(here, 'dist', new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html'))
  const body = await readFile(path).catch(() => undefined)
  res.writeHead(body ? 200 : 404, { 'content-type': types[extname(path)] ?? 'application/octet-stream' })
  res.end(body)
})
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${site.address().port}`

const browser = await chromium.launch({
  executablePath,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  const page = await browser.newPage()
  await page.goto(`${origin}/index.html`)
  await Promise.all([page.waitForURL('**/thanks.html'), page.click('#buy')])
  await page.close() // the tab closes: the Thanks page's event leaves on the way out
  const messages = await collector.waitForMessages(EXPECTED, { timeoutMs: 30_000 })
  for (const message of messages) console.log(`  ${message.type} ${message.event ?? message.name} (anonymousId ${message.anonymousId})`)
  console.log(`${messages.length} events delivered to ${collector.url}/v1/b, ${collector.preflights} CORS preflights`)
} catch (error) {
  console.error(`not every event arrived: ${error.message}`)
  process.exitCode = 1
} finally {
  await browser.close()
  site.close()
  await collector.close()
}
