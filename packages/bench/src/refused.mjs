/**
 * A synchronous burst into a full queue (issue 22, bug 5): what each refused call costs in time
 * and in heap. The client's transport never answers, so the first `maxQueueSize` (100,000) calls
 * fill the queue and every later one is refused with `queue_full`. Targets: a burst of 1,000,000
 * calls keeps the heap within 2x of what the full queue itself holds, and a refused call costs
 * at most 3 µs.
 *
 * Each case runs in its own process (`--expose-gc`, so the heap of the full queue is measured
 * after a collection): no case inherits another's heap or JIT state.
 *
 *   node src/refused.mjs [--calls 1000000] [--rounds 3] [--dry-run]
 *
 * Cases: the calls as most code makes them (no callback, no `failed` listener); each with its own
 * callback; and with a `failed` listener (which is handed every refused message).
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { fmt, machine, median, table, writeSection } from './report.mjs'
import { trackParams } from './workload.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    one: { type: 'string' },
    calls: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    'dry-run': { type: 'boolean', default: false },
  },
})

const CASES = {
  plain: 'no callback, no listener',
  callback: 'a callback per call',
  listener: "a 'failed' listener",
}

if (args.one) {
  console.log(JSON.stringify(await measureOne(args.one, Number(args.calls))))
} else {
  await main()
}

async function measureOne(kind, calls) {
  const { Analytics } = await import('@cdp-analytics/node')
  const transport = { send: () => new Promise(() => undefined) } // never answers: the queue only fills
  const client = new Analytics({ writeKey: 'k', transport, flushOnExit: false, logger: { debug() {}, info() {}, warn() {}, error() {} } })
  let failures = 0
  if (kind === 'listener') client.on('failed', () => failures++)
  const callback = kind === 'callback' ? (error) => error && failures++ : undefined
  const maxQueueSize = 100_000 // the client's default
  // Params are built before the clock starts and outside the heap figures: they are the caller's.
  const params = Array.from({ length: 1000 }, (_, i) => trackParams(i))

  globalThis.gc()
  const base = process.memoryUsage().heapUsed
  for (let i = 0; i < maxQueueSize; i++) client.track(params[i % 1000], callback)
  globalThis.gc()
  const queueBound = process.memoryUsage().heapUsed - base

  const refusedCalls = calls - maxQueueSize
  const started = process.hrtime.bigint()
  for (let i = 0; i < refusedCalls; i++) client.track(params[i % 1000], callback)
  const elapsed = Number(process.hrtime.bigint() - started) / 1000 // µs
  // Right after the burst, before any refusal is reported: what the burst holds at its peak.
  const afterBurst = process.memoryUsage().heapUsed - base
  await new Promise((resolve) => setImmediate(resolve))
  const refused = client.stats.failedByReason.queue_full ?? 0
  return { kind, queueBound, afterBurst, refused, reported: failures, usPerRefused: elapsed / refusedCalls }
}

async function main() {
  const rounds = Number(args.rounds)
  const runs = []
  for (let round = 0; round < rounds; round++) {
    for (const kind of Object.keys(CASES)) {
      const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--one', kind, '--calls', args.calls], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      })
      const run = JSON.parse(out.trim().split('\n').at(-1))
      console.error(JSON.stringify(run))
      runs.push(run)
    }
  }
  const rows = Object.entries(CASES).map(([kind, label]) => {
    const mine = runs.filter((run) => run.kind === kind)
    const bound = median(mine.map((run) => run.queueBound))
    const burst = median(mine.map((run) => run.afterBurst))
    const us = median(mine.map((run) => run.usPerRefused))
    const ratio = burst / bound
    return [
      label,
      fmt.int(median(mine.map((run) => run.refused))),
      fmt.mb(bound),
      fmt.mb(burst),
      fmt.x(ratio),
      fmt.us(us),
      ratio <= 2 && us <= 3 ? '✅' : '❌',
    ]
  })
  const markdown = [
    '## A burst into a full queue (issue 22)',
    '',
    `- Machine: ${machine()}`,
    `- \`node src/refused.mjs --calls ${args.calls} --rounds ${rounds}\`: ${Number(args.calls).toLocaleString('en-US')} \`track()\` calls in one synchronous loop against a transport that never answers; the first 100,000 fill the queue (\`maxQueueSize\`), the rest are refused \`queue_full\`. Medians of ${rounds} rounds, one process per case.`,
    "- Targets: the heap right after the burst within 2× of the full queue's own heap (measured after a GC), and ≤ 3 µs per refused call.",
    '- Before the fix (commit 548a42f, the same script, one round): 15.3× / 11.6× / 15.2× the heap and 20–22 µs per refused call, in the order of the rows below: each refusal built and serialized its message and queued a microtask holding it and a QueueFullError with its stack.',
    '',
    table(['Calls made with', 'Refused', 'Full queue MB', 'Heap after burst MB', 'Ratio', 'µs per refused call', 'Targets'], rows),
  ].join('\n')
  console.log(markdown)
  if (!args['dry-run']) writeSection('refused', markdown)
}
