/**
 * Enqueue microbenchmark (mitata): how long a `track()` call takes to return, validation on,
 * for cdp-analytics and the peers. Each SDK runs in its own process with `fetch` stubbed (an
 * immediate 200), so no network is measured and no SDK inherits another's heap or JIT state.
 *
 * Each call gets a fresh params object, built outside the timing (mitata computed parameters);
 * every 16 calls the event loop runs once, so queues drain as they would in a server. Sending
 * is stubbed at each SDK's own seam (our `transport`, Segment's `httpClient`, PostHog's
 * `fetch`, the global `fetch` for Customer.io), so the network is never measured.
 *
 * Read it with care: Segment and Customer.io validate and enqueue in promise callbacks after
 * `track()` has returned, so their number leaves work out that ours includes (building,
 * validating and serializing the message). The full per-event cost of every SDK is the
 * "CPU µs/event" column of the end-to-end benchmark.
 *
 *   node src/enqueue.mjs [--rounds 3] [--contenders cdp,segment,customerio,posthog] [--dry-run]
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { measure } from 'mitata'
import { fmt, machine, median, table, writeSection } from './report.mjs'
import { trackParams } from './workload.mjs'

const { values: args } = parseArgs({
  // pnpm 10 passes a `--` separator through to the script; it means nothing here.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    one: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    contenders: { type: 'string', default: 'cdp,segment,customerio,posthog' },
    'dry-run': { type: 'boolean', default: false },
  },
})

const URL_ = 'http://127.0.0.1:9/unused'
const sdks = {
  cdp: {
    label: 'cdp-analytics',
    async create() {
      const { Analytics } = await import('@cdp-analytics/node')
      const transport = { send: async () => ({ kind: 'response', status: 200 }) }
      const client = new Analytics({ writeKey: 'k', endpoint: URL_, flushOnExit: false, transport })
      return {
        track: (p) => client.track(p),
        drops: () => client.stats.failed,
        close: () => client.close({ timeout: 10_000 }),
      }
    },
  },
  segment: {
    label: '@segment/analytics-node 3.1.0',
    async create() {
      const { Analytics } = await import('@segment/analytics-node')
      const httpClient = async () => ({
        status: 200,
        statusText: 'OK',
        headers: { get: () => null },
        text: async () => '{}',
        json: async () => ({}),
      })
      const client = new Analytics({ writeKey: 'k', host: URL_, flushAt: 20, httpClient })
      let drops = 0
      client.on('error', () => drops++)
      return { track: (p) => client.track(p), drops: () => drops, close: () => client.closeAndFlush({ timeout: 10_000 }) }
    },
  },
  customerio: {
    label: '@customerio/cdp-analytics-node 0.5.9',
    async create() {
      const { Analytics } = await import('@customerio/cdp-analytics-node')
      const client = new Analytics({ writeKey: 'k', host: URL_, maxEventsInBatch: 20 })
      let drops = 0
      client.on('error', () => drops++)
      return { track: (p) => client.track(p), drops: () => drops, close: () => client.closeAndFlush({ timeout: 10_000 }) }
    },
  },
  posthog: {
    label: 'posthog-node 5.70.0',
    async create() {
      const { PostHog } = await import('posthog-node')
      const fetch = async () => ({ status: 200, text: async () => '{}', json: async () => ({}), headers: { get: () => null } })
      const client = new PostHog('phc_k', { host: URL_, flushAt: 20, maxBatchSize: 20, fetch })
      return {
        track: (p) => client.capture({ distinctId: p.userId, event: p.event, properties: p.properties }),
        drops: () => 0,
        close: () => client.shutdown(10_000),
      }
    },
  },
}

if (args.one) {
  console.log(JSON.stringify(await measureOne(args.one)))
} else {
  await main()
}

async function measureOne(name) {
  globalThis.fetch = async () => new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })
  const client = await sdks[name].create()
  let seq = 0
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
  const returns = await measure(function* () {
    yield {
      // Built outside the timing; every 16th one also lets the event loop (and the SDK) run.
      async 0() {
        seq++
        if (seq % 16 === 0) await nextTurn()
        return trackParams(seq)
      },
      bench(params) {
        client.track(params)
      },
    }
  })
  await client.close()
  return { name, returnNs: returns.p50, returnP75Ns: returns.p75, calls: seq, drops: client.drops() }
}

async function main() {
  const names = args.contenders.split(',')
  const rounds = Number(args.rounds)
  const results = []
  for (let round = 1; round <= rounds; round++) {
    for (const name of names) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      const result = JSON.parse(out.trim().split('\n').pop())
      results.push(result)
      console.error(`r${round} ${name.padEnd(10)} track() ${result.returnNs.toFixed(0)} ns, ${result.calls} calls, drops ${result.drops}`)
    }
  }
  const m = (name, key) => median(results.filter((r) => r.name === name).map((r) => r[key]))
  const ours = (key) => m('cdp', key)
  const lines = [
    `## Enqueue: ${new Date().toISOString().slice(0, 10)}`,
    '',
    `- Command: \`pnpm --filter @cdp-analytics/bench bench:enqueue\` (mitata 1.0.34, medians of ${rounds} rounds, one process per SDK and round, \`fetch\` stubbed)`,
    `- Machine: ${machine()}`,
    `- Target: a \`track()\` call returns in ≤ 5 µs median, validation on. Segment and Customer.io return before validating and enqueueing (that work runs in promise callbacks), so their column understates their cost; compare full costs in the end-to-end CPU µs/event column.`,
    '',
    table(
      ['SDK', 'track() median µs', 'track() p75 µs', 'Ours ÷ theirs (median)', 'Dropped during bench'],
      names.map((name) => [
        sdks[name].label,
        fmt.us(m(name, 'returnNs') / 1000),
        fmt.us(m(name, 'returnP75Ns') / 1000),
        name === 'cdp' ? '' : fmt.x(ours('returnNs') / m(name, 'returnNs')),
        fmt.int(Math.max(...results.filter((r) => r.name === name).map((r) => r.drops))),
      ]),
    ),
    '',
    names.includes('cdp')
      ? `${ours('returnNs') <= 5000 ? '✅' : '❌'} cdp-analytics \`track()\` median ${fmt.us(ours('returnNs') / 1000)} µs (target ≤ 5 µs).`
      : '',
  ]
  const markdown = lines.join('\n')
  console.log(markdown)
  if (!args['dry-run']) writeSection('enqueue', markdown)
}
