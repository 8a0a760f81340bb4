/**
 * Direct delivery vs delivery through Cloudflare Queues, in workerd (Miniflare, real Queues,
 * `cf: false`) against the local collector on 127.0.0.1: per 10,000 Worker invocations that each
 * track 2 events, the API requests and bytes sent, and the time from each call (the event's own
 * `timestamp`) to its arrival at the collector (p50/p99). Run by hand (about 4 minutes):
 *
 *   node packages/edge/scripts/queue-bench.mjs [--write] [--quick]
 *
 * The Worker (scripts/queue-bench-worker.ts) is bundled from src: no build needed.
 *
 * `--write` puts the table into BENCHMARKS.md between the queues markers.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import { startCollector } from '@cdp-analytics/node/testing'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    // Re-render the table from a previous run's JSON lines (what it prints on stderr), without measuring.
    results: { type: 'string' },
  },
})
const WRITE_KEY = 'queue-bench-write-key'

// A busy Worker (250 invocations/s, 10,000 of them) and a quiet one (20/s, 400 of them, where the
// batch timeout binds); `--quick` runs a tenth of each.
const scale = values.quick ? 0.1 : 1
const runs = []
for (const [rate, invocations] of [
  [250, 10_000],
  [20, 400],
]) {
  runs.push({ rate, invocations: invocations * scale, name: 'direct', path: '/direct' })
  for (const timeout of [1, 5]) {
    runs.push({
      rate,
      invocations: invocations * scale,
      name: 'Queues',
      path: '/queue',
      consumer: { maxBatchSize: 100, maxBatchTimeout: timeout },
    })
  }
}

const { outputFiles } = values.results
  ? { outputFiles: [{ text: '' }] }
  : await build({
      entryPoints: [new URL('./queue-bench-worker.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    })
const script = outputFiles[0].text

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function measure(run) {
  const { invocations: INVOCATIONS, rate: RATE } = run
  const collector = await startCollector({ writeKey: WRITE_KEY })
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2025-09-01',
    cf: false,
    bindings: { CDP_WRITE_KEY: WRITE_KEY, CDP_ENDPOINT: collector.url },
    queueProducers: { CDP_QUEUE: { queueName: 'cdp-events' } },
    queueConsumers: { 'cdp-events': { maxRetries: 10, ...(run.consumer ?? { maxBatchSize: 100, maxBatchTimeout: 1 }) } },
  })
  await mf.ready
  // Warm-up outside the measurement.
  await (await mf.dispatchFetch(`http://worker${run.path}?i=-1`)).text()
  await collector.waitForMessages(2, { timeoutMs: 20_000 })
  collector.reset()

  // A fixed rate on a 10 ms tick; invocations run concurrently, as a Worker's would.
  const started = Date.now()
  const pending = []
  let sent = 0
  let failed = 0
  while (sent < INVOCATIONS) {
    const due = Math.min(INVOCATIONS, Math.floor(((Date.now() - started) / 1000) * RATE) + 1)
    for (; sent < due; sent++) {
      pending.push(
        mf
          .dispatchFetch(`http://worker${run.path}?i=${sent}`)
          .then((r) => r.text())
          .catch(() => failed++),
      )
    }
    await sleep(10)
  }
  await Promise.all(pending)
  const callsSeconds = (Date.now() - started) / 1000
  await collector.waitForMessages(2 * INVOCATIONS, { timeoutMs: 120_000 })
  await sleep(1000)

  const latencies = []
  let messageBytes = 0
  for (const request of collector.batches) {
    for (const message of request.body.batch) {
      latencies.push(request.receivedAt - Date.parse(message.timestamp))
      messageBytes += Buffer.byteLength(JSON.stringify(message))
    }
  }
  latencies.sort((a, b) => a - b)
  const result = {
    name: run.name,
    rate: RATE,
    invocations: INVOCATIONS,
    messageBytes: Math.round(messageBytes / Math.max(1, latencies.length)),
    callsSeconds,
    failed,
    arrived: collector.messages.length,
    duplicates: collector.duplicateMessageIds().size,
    requests: collector.requests.length,
    bytes: collector.requests.reduce((sum, r) => sum + r.bytes, 0),
    p50: quantile(latencies, 0.5) / 1000,
    p99: quantile(latencies, 0.99) / 1000,
  }
  await mf.dispose()
  await collector.close()
  return result
}

const results = values.results
  ? readFileSync(values.results, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
  : []
if (!values.results) {
  for (const run of runs) {
    const result = await measure(run)
    console.error(JSON.stringify(result))
    results.push(result)
  }
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const per10k = (n, r) => (n * 10_000) / r.invocations
const directOf = (r) => results.find((d) => d.rate === r.rate && d.name === 'direct')
const lines = [
  `## Edge through Cloudflare Queues: ${new Date().toISOString().slice(0, 10)}`,
  '',
  `- Command: \`node packages/edge/scripts/queue-bench.mjs --write\` (run by hand, about 4 minutes${values.quick ? '; this run: --quick, a tenth of the invocations' : ''})`,
  `- Machine: ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}`,
  `- workerd through Miniflare 4.20260426.0 (\`cf: false\`, real Queues), the local collector on 127.0.0.1 answering at once. Each Worker invocation tracks 2 events (a \`page\` and a \`track\`, ${results[0].messageBytes} bytes of JSON on average) with a client made per request, at a fixed rate; \`createQueueConsumer\` runs in the same Worker, \`max_retries\` 10. Call-to-arrival runs from each event's own \`timestamp\` to the collector receiving its request. Bytes are request bodies as received (plain JSON, no gzip).`,
  '',
  '| Invocations/s | Delivery | Queue consumer settings | Invocations | API requests per 10,000 invocations | Bytes sent per 10,000 invocations | Bytes vs direct | p50 call to arrival s | p99 s | Arrived | Duplicates |',
  '| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r, i) =>
    [
      '',
      fmt(r.rate),
      r.name,
      runs[i].consumer ? `max_batch_size ${runs[i].consumer.maxBatchSize}, max_batch_timeout ${runs[i].consumer.maxBatchTimeout} s` : '–',
      fmt(r.invocations),
      fmt(per10k(r.requests, r)),
      fmt(per10k(r.bytes, r)),
      `${fmt((r.bytes / directOf(r).bytes) * 100, 1)}%`,
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      `${fmt(r.arrived)} of ${fmt(2 * r.invocations)}`,
      fmt(r.duplicates),
      '',
    ]
      .join(' | ')
      .trim(),
  ),
]
const busy = results.filter((r) => r.rate === results[0].rate)
const quiet = results.filter((r) => r.rate !== results[0].rate)
const queued = (rows, timeout) => rows.find((r) => r.name === 'Queues' && runs[results.indexOf(r)]?.consumer.maxBatchTimeout === timeout)
lines.push(
  '',
  `- **Requests:** at ${busy[0].rate}/s, ${fmt(per10k(busy[0].requests, busy[0]))} API requests per 10,000 invocations become ${fmt(per10k(queued(busy, 1).requests, busy[0]))}: the consumer packs a full Queue batch (100 Queue messages, one per invocation) into one request. At ${quiet[0]?.rate}/s the batch timeout cuts batches first (${fmt(per10k(queued(quiet, 1).requests, quiet[0]))} requests per 10,000 with 1 s, ${fmt(per10k(queued(quiet, 5).requests, quiet[0]))} with 5 s). The quiet rows are scaled from ${fmt(quiet[0]?.invocations)} invocations.`,
  `- **Bytes:** ${fmt(100 - (queued(busy, 1).bytes / busy[0].bytes) * 100, 1)}% fewer through Queues: one envelope and \`sentAt\` per request instead of per invocation; the events themselves are the same bytes.`,
  `- **Latency:** direct delivery arrives within milliseconds (its p99 at ${busy[0].rate}/s is workerd and the collector sharing 2 cores). Through Queues an event waits for its consumer batch: at ${busy[0].rate}/s 100 Queue messages gather in 0.4 s, so the timeout hardly matters (p50 ${fmt(queued(busy, 1).p50, 2)} s); at ${quiet[0]?.rate}/s the timeout binds (p50 about half of it, p99 about all of it).`,
  "- Not measured here: the Queue's own latency on Cloudflare (Miniflare's Queue runs in the same process), and Queues' price per operation.",
)
const section = lines.join('\n')
console.log(section)

if (values.write) {
  const file = new URL('../../../BENCHMARKS.md', import.meta.url)
  let text = readFileSync(file, 'utf8')
  const start = '<!-- queues:start -->'
  const end = '<!-- queues:end -->'
  if (!text.includes(start)) text = text.replace('<!-- latency:end -->', `<!-- latency:end -->\n\n${start}\n${end}`)
  text = text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${section}\n${end}`)
  writeFileSync(file, text)
  console.error('BENCHMARKS.md updated')
}
