/**
 * Issue 21's comparison in a real browser: events delivered when a page is left, by
 * `@cdp-analytics/browser` and by analytics-next with its batching ("keepalive") dispatcher, in the
 * same Chromium. The page is one 127.0.0.1 origin, the local collector another (CORS answered,
 * preflights counted). Each scenario runs `--rounds` times per SDK, SDKs interleaved, each run in a
 * fresh browser context (empty localStorage). It reports counts, not timings: distinct messageIds
 * accepted, copies beyond one, requests to the batch route, OPTIONS preflights, the collector's
 * requests the browser reports as failed (cancelled), and events kept in localStorage for a later
 * page of the origin.
 *
 *   node src/browser-leave/run.mjs [--rounds 5] [--sdks cdp,segment,segment-keepalive]
 *     [--scenarios goto,goto-paused,close,bfcache,burst] [--json out.json] [--verbose] [--dry-run]
 *
 * SDKs: `cdp` (`@cdp-analytics/browser` at its defaults; flushAt 10 in the bfcache scenario),
 * `segment` (analytics-next, `deliveryStrategy: batching`, size 10, timeout 5000: its defaults) and
 * `segment-keepalive` (the same with `keepalive: true`, which it documents as off by default).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { startCollector } from '@cdp-analytics/node/testing'
import { machine, table, writeSection } from '../report.mjs'
import { launchChromium } from './chromium.mjs'
import { countDelivery, formatSpread, keptIds, keptUndelivered } from './count.mjs'
import { bundlePages, startSite } from './site.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rounds: { type: 'string', default: '5' },
    sdks: { type: 'string', default: 'cdp,segment,segment-keepalive' },
    scenarios: { type: 'string', default: 'goto,goto-paused,close,bfcache,burst' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
})

const WRITE_KEY = 'bench-browser-key'
/** Quiet time that ends a run still short of its events: past analytics-next's 5 s batch timeout. */
const QUIET_MS = 7000
/** Quiet time after every event arrived, to catch late copies. */
const SETTLED_MS = 1500

/** analytics-next's whole settings object, so it never fetches them from Segment's CDN. */
function segmentSettings(collectorHost, { keepalive = false } = {}) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: WRITE_KEY,
        // The batching dispatcher posts to `${protocol}://${apiHost}/b`: the collector's /v1/b.
        apiHost: `${collectorHost}/v1`,
        protocol: 'http',
        deliveryStrategy: { strategy: 'batching', config: { size: 10, timeout: 5000, ...(keepalive ? { keepalive: true } : {}) } },
      },
    },
    // Remote metrics would go to api.segment.io (this machine has no internet): off.
    metrics: { sampleRate: 0 },
  }
}

const SDKS = {
  cdp: {
    label: '`@cdp-analytics/browser`',
    script: 'cdp',
    start: (collectorUrl, scenario) => ({
      writeKey: WRITE_KEY,
      endpoint: collectorUrl,
      options: scenario === 'bfcache' ? { flushAt: 10, flushInterval: 60_000 } : {},
    }),
  },
  segment: {
    label: 'analytics-next, batching',
    script: 'segment',
    start: (collectorUrl) => ({ writeKey: WRITE_KEY, cdnSettings: segmentSettings(new URL(collectorUrl).host) }),
  },
  'segment-keepalive': {
    label: 'analytics-next, batching + `keepalive: true`',
    script: 'segment',
    start: (collectorUrl) => ({ writeKey: WRITE_KEY, cdnSettings: segmentSettings(new URL(collectorUrl).host, { keepalive: true }) }),
  },
}

const SCENARIOS = {
  goto: { title: '50 events, then `page.goto` to a page of the origin without the SDK', prefix: 'goto', events: 50 },
  'goto-paused': { title: "The same, leaving 1 s after the events (all handed to the SDK's sender by then)", prefix: 'goto', events: 50 },
  close: { title: '20 events, then `page.close()`', prefix: 'close', events: 20 },
  bfcache: { title: 'Back/forward cache round trip, then 10 events (batches of 10)', prefix: 'after', events: 10 },
  burst: {
    title: '300 events of 1 kB (API answering after 1.5 s), then the next page of the origin, with the SDK',
    prefix: 'burst',
    events: 300,
  },
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function pick(list, known, what) {
  const names = list.split(',').filter(Boolean)
  for (const name of names) if (!known[name]) throw new Error(`unknown ${what} ${name}; known: ${Object.keys(known).join(', ')}`)
  return names
}

const sdkNames = pick(args.sdks, SDKS, 'SDK')
const scenarioNames = pick(args.scenarios, SCENARIOS, 'scenario')
const rounds = Number(args.rounds)

const require = createRequire(import.meta.url)
const versionOf = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version

const scripts = await bundlePages([...new Set(sdkNames.map((name) => SDKS[name].script))])
const [browser, site, collector] = await Promise.all([
  launchChromium(),
  startSite(scripts),
  startCollector({ writeKey: WRITE_KEY, permissive: true }),
])

/** Waits until the scenario's events are all in and the wire is quiet, or it stays quiet for QUIET_MS. */
async function settle(prefix, events, maxMs) {
  const started = Date.now()
  const activity = () => collector.requests.length + collector.preflights
  let seen = activity()
  let last = Date.now()
  for (;;) {
    await sleep(100)
    if (activity() !== seen) {
      seen = activity()
      last = Date.now()
    }
    const complete = countDelivery(collector.requests, prefix).delivered >= events
    if (Date.now() - last >= (complete ? SETTLED_MS : QUIET_MS) || Date.now() - started > maxMs) return
  }
}

const storageValues = (page) => page.evaluate(() => Object.keys(localStorage).map((key) => localStorage.getItem(key)))

async function openWithClient(page, path, sdk, scenario) {
  await page.goto(site.url(path, SDKS[sdk].script, SDKS[sdk].start(collector.url, scenario)))
  await page.waitForFunction(() => window.bench.ready || window.bench.error, undefined, { timeout: 30_000 })
  const error = await page.evaluate(() => window.bench.error)
  if (error) throw new Error(`${sdk} did not start: ${error}`)
}

const track = (page, prefix, count, padding = 0) =>
  page.evaluate(([prefix, count, padding]) => window.bench.track(prefix, count, padding), [prefix, count, padding])

/** Each scenario drives one page and returns how many events were kept in localStorage at the end. */
const RUNS = {
  async goto(page, sdk) {
    await openWithClient(page, '/a', sdk, 'goto')
    await track(page, 'goto', 50)
    await page.goto(site.url('/elsewhere'))
    await settle('goto', 50, 30_000)
    return { kept: keptIds(await storageValues(page), 'goto') }
  },
  async 'goto-paused'(page, sdk) {
    await openWithClient(page, '/a', sdk, 'goto-paused')
    await track(page, 'goto', 50)
    await sleep(1000)
    await page.goto(site.url('/elsewhere'))
    await settle('goto', 50, 30_000)
    return { kept: keptIds(await storageValues(page), 'goto') }
  },
  async close(page, sdk) {
    await openWithClient(page, '/a', sdk, 'close')
    await track(page, 'close', 20)
    await page.close()
    await settle('close', 20, 30_000)
    const next = await page.context().newPage()
    await next.goto(site.url('/after-close'))
    return { kept: keptIds(await storageValues(next), 'close') }
  },
  async bfcache(page, sdk) {
    await openWithClient(page, '/a', sdk, 'bfcache')
    await track(page, 'before', 5)
    await page.goto(site.url('/b'))
    await settle('before', 5, 30_000)
    // A page restored from the cache fires no load event: wait for its second pageshow instead.
    await page.goBack({ waitUntil: 'commit' })
    await page.waitForFunction(() => window.shows?.length === 2, undefined, { timeout: 30_000 })
    const restored = (await page.evaluate(() => window.shows[1])) === true
    collector.reset() // count only what follows the round trip
    await track(page, 'after', 10)
    await settle('after', 10, 30_000)
    return { kept: keptIds(await storageValues(page), 'after'), restored }
  },
  async burst(page, sdk) {
    collector.setDefaultResponse({ delayMs: 1500 })
    await openWithClient(page, '/a', sdk, 'burst')
    await track(page, 'burst', 300, 1000)
    await openWithClient(page, '/b', sdk, 'burst')
    await settle('burst', 300, 90_000)
    return { kept: keptIds(await storageValues(page), 'burst') }
  },
}

/** `POST /v1/b 200 [goto-0…goto-9]`: which events one request carried, for --verbose. */
function describeRequest(record) {
  const ids = (record.body?.batch ?? []).map((message) => message.properties?.bench_id)
  return `${record.method} ${record.path} ${record.status} ${ids.length} events [${ids.join(',')}]`
}

async function runOnce(sdk, scenario) {
  collector.reset()
  const context = await browser.newContext()
  const aborted = []
  const outside = []
  context.on('requestfailed', (request) => {
    if (request.url().startsWith(collector.url)) aborted.push(request.failure()?.errorText ?? 'unknown')
  })
  context.on('request', (request) => {
    const { hostname } = new URL(request.url())
    if (hostname !== '127.0.0.1') outside.push(request.url())
  })
  const page = await context.newPage()
  const pageErrors = []
  page.on('pageerror', (error) => pageErrors.push(String(error)))
  try {
    const { kept, restored } = await RUNS[scenario](page, sdk)
    const { prefix, events } = SCENARIOS[scenario]
    const { deliveredIds, ...counts } = countDelivery(collector.requests, prefix)
    const invalid = collector.requests.filter((record) => !record.valid)
    if (args.verbose) for (const record of collector.requests) console.error(`  ${describeRequest(record)}`)
    return {
      sdk,
      scenario,
      events,
      ...counts,
      preflights: collector.preflights,
      aborted: aborted.length,
      abortedAs: [...new Set(aborted)],
      kept: keptUndelivered(kept, deliveredIds),
      restored,
      outside,
      pageErrors,
      invalidRequests: invalid.length,
      invalidExample: invalid[0]?.errors.slice(0, 3),
    }
  } finally {
    await context.close()
  }
}

const chromiumVersion = browser.version()
const results = []
try {
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarioNames) {
      // Rotate the order each round, so neither SDK always runs first.
      const order = sdkNames.map((_, i) => sdkNames[(i + round) % sdkNames.length])
      for (const sdk of order) {
        const result = await runOnce(sdk, scenario)
        results.push(result)
        const { delivered, copies, requests, preflights, aborted, kept, restored } = result
        const extra = restored === undefined ? '' : ` restored=${restored}`
        console.error(
          `round ${round + 1} ${scenario} ${sdk}: ${delivered}/${result.events} delivered, ${copies - delivered} extra copies, ` +
            `${requests} requests, ${preflights} preflights, ${aborted} aborted ${result.abortedAs.join(',')}, ${kept} kept${extra}` +
            (result.outside.length ? ` OUTSIDE: ${result.outside.join(' ')}` : '') +
            (result.pageErrors.length ? ` page errors: ${result.pageErrors.join(' | ')}` : '') +
            (result.invalidRequests ? ` invalid: ${result.invalidRequests} (${result.invalidExample?.join('; ')})` : ''),
        )
      }
    }
  }
} finally {
  await Promise.all([browser.close(), site.close(), collector.close()])
}

if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2))

const rows = []
for (const scenario of scenarioNames) {
  for (const sdk of sdkNames) {
    const runs = results.filter((result) => result.sdk === sdk && result.scenario === scenario)
    const column = (key) => formatSpread(runs.map((run) => run[key]))
    const notRestored = runs.filter((run) => run.restored === false).length
    rows.push([
      sdk === sdkNames[0] ? SCENARIOS[scenario].title : '',
      SDKS[sdk].label,
      `${column('delivered')} of ${SCENARIOS[scenario].events}`,
      formatSpread(runs.map((run) => run.copies - run.delivered)),
      column('requests'),
      column('preflights'),
      column('aborted'),
      column('kept') + (notRestored ? ` (${notRestored} of ${runs.length} not restored from the cache)` : ''),
    ])
  }
}

const markdown = [
  `### Leaving the page, against analytics-next: ${new Date().toISOString().slice(0, 10)}`,
  '',
  `- Command: \`pnpm --filter @cdp-analytics/bench bench:browser-leave\` (\`--rounds ${rounds}\`); ${rounds} runs per cell, SDKs interleaved, each run in a fresh browser context. A cell is the count every run gave, or min–max (median).`,
  `- Chromium ${chromiumVersion} (Debian's, headless, back/forward cache on), playwright-core ${versionOf('playwright-core')}, @segment/analytics-next ${versionOf('@segment/analytics-next')}, each SDK bundled by esbuild ${versionOf('esbuild')} into the page; ${machine()}.`,
  '- analytics-next is loaded with `AnalyticsBrowser.load({ writeKey, cdnSettings })`, the settings given whole so nothing is fetched from its CDN: ' +
    `\`${JSON.stringify(segmentSettings('127.0.0.1:PORT'))}\` (and \`keepalive: true\` in the batching \`config\` for the last row of each scenario).`,
  '- Delivered: distinct messageIds the collector accepted. Extra copies: the same messageId again. Requests: to the batch route (`/v1/b` for both). Preflights: OPTIONS requests the collector answered. Aborted: requests to the collector that the browser reports as failed (`net::ERR_ABORTED` when a page goes away), whether or not their body had already arrived. Kept: events not delivered but left in localStorage, which a later page of the origin with the SDK could still send; an event neither delivered nor kept is lost.',
  '',
  table(['Scenario', 'SDK', 'Delivered', 'Extra copies', 'Requests', 'Preflights', 'Aborted', 'Kept, not delivered'], rows),
].join('\n')

console.log(markdown)
if (!args['dry-run']) writeSection('browser-leave', markdown)
