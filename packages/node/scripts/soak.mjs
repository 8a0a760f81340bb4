#!/usr/bin/env node
// Soak test (issue 4; not run in CI): an outage of SOAK_SECONDS at SOAK_RATE events per second
// against a collector that answers 503, then recovery. Measures this process's peak RSS while the
// outage lasts, checks the queue stays within maxQueueSize (so memory plateaus instead of growing),
// and checks recovery delivers every message that was kept, exactly once.
//
//   pnpm --filter @cdp-analytics/node build && node packages/node/scripts/soak.mjs
//   SOAK_SECONDS=10 SOAK_RATE=2000 SOAK_MAX_QUEUE=20000 node packages/node/scripts/soak.mjs   # quicker
//
// Environment: SOAK_SECONDS (60), SOAK_RATE (5000 events/s), SOAK_MAX_QUEUE (100000, the default
// maxQueueSize), SOAK_RECOVERY_SECONDS (120, the close() deadline for recovery),
// SOAK_BOUND_BYTES_PER_MESSAGE (5000: the checked bound on peak RSS growth per queueable message),
// SOAK_GC=1 with `node --expose-gc` (collect before each 5 s sample, to see live memory).
//
// The collector runs in a child process so its own records do not count against this process.
// Exits 1 when a check fails. Results are documented in packages/node/README.md ("Soak").
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const WRITE_KEY = 'soak-write-key'

if (process.argv[2] === '--collector') await runCollector()
else await runSoak()

/** The child: a collector whose answer the parent switches, tallying what it accepts. */
async function runCollector() {
  const { startCollector } = await import('../dist/testing/index.js')
  const collector = await startCollector({ writeKey: WRITE_KEY })
  const seen = new Set()
  let accepted = 0
  let duplicates = 0
  let invalid = 0
  let requests = 0
  // Tally and forget, so the child's memory stays flat however long the soak runs.
  const tally = () => {
    for (const request of collector.requests) {
      requests++
      if (!request.valid) invalid++
      if (request.status !== 200) continue
      for (const message of request.body.batch) {
        accepted++
        if (seen.has(message.messageId)) duplicates++
        else seen.add(message.messageId)
      }
    }
    collector.reset()
  }
  process.on('message', (command) => {
    tally()
    if (command.type === 'answer') collector.setDefaultResponse(command.plan)
    process.send({ type: 'counts', requests, accepted, unique: seen.size, duplicates, invalid })
    if (command.type === 'stop') void collector.close().then(() => process.exit(0))
  })
  process.send({ type: 'ready', url: collector.url })
}

async function runSoak() {
  const { Analytics } = await import('../dist/index.js')
  const seconds = Number(process.env.SOAK_SECONDS ?? 60)
  const rate = Number(process.env.SOAK_RATE ?? 5000)
  const maxQueueSize = Number(process.env.SOAK_MAX_QUEUE ?? 100_000)
  const recoverySeconds = Number(process.env.SOAK_RECOVERY_SECONDS ?? 120)
  // The documented bound (README "Soak"): peak RSS above baseline, per message the queue may hold.
  const boundPerMessage = Number(process.env.SOAK_BOUND_BYTES_PER_MESSAGE ?? 5000)

  const child = fork(fileURLToPath(import.meta.url), ['--collector'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const replies = []
  child.on('message', (reply) => replies.push(reply))
  const ask = async (command) => {
    const before = replies.length
    if (command) child.send(command)
    while (replies.length === before) await new Promise((resolve) => setTimeout(resolve, 5))
    return replies.at(-1)
  }
  const { url } = await ask()
  await ask({ type: 'answer', plan: { status: 503 } })

  const analytics = new Analytics({
    writeKey: WRITE_KEY,
    endpoint: url,
    maxQueueSize,
    closeTimeout: recoverySeconds * 1000,
    flushOnExit: false,
    logger: { debug() {}, info() {}, warn() {}, error: console.error },
  })
  const outcomes = { delivered: 0 }
  analytics.on('delivered', () => outcomes.delivered++)
  analytics.on('failed', ({ error }) => (outcomes[error.reason] = (outcomes[error.reason] ?? 0) + 1))

  const mb = (bytes) => Math.round(bytes / 1024 / 1024)
  const baseline = process.memoryUsage()
  let peakRss = baseline.rss
  let peakHeap = baseline.heapUsed
  let peakQueued = 0
  // A line every 5 s shows the plateau: RSS stops growing once the queue is full.
  const samples = []
  let nextSampleAt = 0
  let started = Date.now()
  const sample = () => {
    // With `node --expose-gc` and SOAK_GC=1, samples show live memory rather than garbage not yet collected.
    if (process.env.SOAK_GC && globalThis.gc && (Date.now() - started) / 1000 >= nextSampleAt) globalThis.gc()
    const { rss, heapUsed } = process.memoryUsage()
    peakRss = Math.max(peakRss, rss)
    peakHeap = Math.max(peakHeap, heapUsed)
    peakQueued = Math.max(peakQueued, analytics.stats.queued)
    const at = (Date.now() - started) / 1000
    if (at >= nextSampleAt) {
      samples.push(
        `${Math.round(at)} s: RSS ${mb(rss)} MB, heap ${mb(heapUsed)} MB, queued ${analytics.stats.queued}, sending ${analytics.stats.sending}`,
      )
      nextSampleAt += 5
    }
  }
  const sampler = setInterval(sample, 100)

  // The outage: `rate` calls per second, paced against the clock so slow ticks catch up.
  console.log(`soak: ${seconds} s outage (503) at ${rate} events/s, maxQueueSize ${maxQueueSize}; baseline RSS ${mb(baseline.rss)} MB`)
  started = Date.now()
  let calls = 0
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000
      const due = Math.min(Math.floor(elapsed * rate), seconds * rate)
      while (calls < due) {
        analytics.track({
          userId: `user-${calls % 5000}`,
          event: 'Soak Event',
          properties: { n: calls, plan: 'Enterprise', price: 39.95, tags: ['a', 'b', 'c'] },
        })
        calls++
      }
      if (calls >= seconds * rate) {
        clearInterval(tick)
        resolve()
      }
    }, 10)
  })
  sample()
  const outageMs = Date.now() - started
  const atOutageEnd = { ...analytics.stats, failedByReason: { ...analytics.stats.failedByReason } }
  const rssAtOutageEnd = process.memoryUsage().rss

  // Recovery: the collector answers 200 again; wait until every kept message has an outcome.
  await ask({ type: 'answer', plan: undefined })
  const recovering = Date.now()
  await analytics.close({ timeout: recoverySeconds * 1000 })
  const recoveryMs = Date.now() - recovering
  clearInterval(sampler)
  sample()
  const server = await ask({ type: 'stop' })

  const stats = analytics.stats
  const kept = atOutageEnd.enqueued
  const report = {
    outage: { seconds: outageMs / 1000, calls, achievedRate: Math.round(calls / (outageMs / 1000)) },
    memory: {
      baselineRssMb: mb(baseline.rss),
      peakRssMb: mb(peakRss),
      rssAtOutageEndMb: mb(rssAtOutageEnd),
      peakHeapMb: mb(peakHeap),
      peakQueued,
      perKeptMessageBytes: Math.round((peakRss - baseline.rss) / Math.max(1, kept)),
      samples,
    },
    queue: { maxQueueSize, keptDuringOutage: kept, droppedQueueFull: atOutageEnd.failedByReason.queue_full ?? 0 },
    recovery: { seconds: recoveryMs / 1000, delivered: stats.delivered, failedByReason: stats.failedByReason },
    collector: server,
  }
  console.log(JSON.stringify(report, null, 2))

  const checks = [
    ['the queue never held more than maxQueueSize messages', peakQueued <= maxQueueSize],
    [
      `peak RSS stayed within baseline + ${boundPerMessage} B × maxQueueSize (${mb(baseline.rss + boundPerMessage * maxQueueSize)} MB)`,
      peakRss - baseline.rss <= boundPerMessage * maxQueueSize,
    ],
    ['every call has exactly one outcome', stats.delivered + stats.failed === calls],
    ['calls beyond the bound were refused with queue_full, not lost silently', (stats.failedByReason.queue_full ?? 0) === calls - kept],
    ['recovery delivered every message that was kept', stats.delivered === kept],
    ['the collector received each delivered message exactly once', server.unique === stats.delivered && server.duplicates === 0],
    ['every request was valid', server.invalid === 0],
  ]
  for (const [name, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`)
  process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
}
