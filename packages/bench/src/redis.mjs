/**
 * The Redis Streams benchmark (issue 19), written into BENCHMARKS.md between the `redis` markers.
 * A real redis-server (AOF on, appendfsync everysec: Debian's defaults but for AOF), the sink in
 * its own process as the API, app processes (redis-child.mjs) and forwarders run as the
 * `cdp-analytics forward` command, each in its own process:
 *
 * 1. Producer: one process makes `--n` `track()` calls (yielding every 100, as a busy server
 *    does) through createRedisStreamTransport: events/s accepted by Redis, from the first call to
 *    the last outcome, and failures.
 * 2. Drain: the stream the producer filled (`--n` entries) delivered to the sink (answering at
 *    once) by one forwarder, then by two: events/s from the sink's first request to its last event.
 * 3. End to end: `--rate` events/s for `--seconds` s from one app process, one forwarder, the API
 *    `--rtt` ms away: p50/p99 from each event's `timestamp` (the call) to its arrival (answer).
 *
 *   node src/redis.mjs [--n 200000] [--rounds 3] [--rate 8000] [--seconds 10] [--rtt 60]
 *                      [--parts producer,drain,e2e] [--dry-run]
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startRedisServer } from '@cdp-analytics/test-redis'
import Redis from 'ioredis'
import { fmt, machine, median, table, writeSection } from './report.mjs'
import { startSink } from './sink-client.mjs'

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    n: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    rate: { type: 'string', default: '8000' },
    seconds: { type: 'string', default: '10' },
    rtt: { type: 'string', default: '60' },
    parts: { type: 'string', default: 'producer,drain,e2e' },
    'dry-run': { type: 'boolean', default: false },
  },
})
const parts = new Set(args.parts.split(','))
const n = Number(args.n)
const rounds = Number(args.rounds)
const started = Date.now()
const CHILD = fileURLToPath(new URL('./redis-child.mjs', import.meta.url))
const CLI = fileURLToPath(new URL('../../node/bin/cdp-analytics.js', import.meta.url))

const server = await startRedisServer()
const sink = await startSink()
const admin = new Redis(server.url)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** CPU seconds every process of the machine has used so far (busy time of all cores, /proc/stat). */
function machineCpuSeconds() {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number)
    const idle = ticks[3] + ticks[4] // idle + iowait
    return (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / 100
  } catch {
    return Number.NaN
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN
  }
}

/** Runs the app process to its end; resolves with its JSON line. */
async function produce(stream, spec) {
  const child = spawn(process.execPath, [CHILD, JSON.stringify({ url: server.url, stream, ...spec })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  const [code] = await once(child, 'close')
  if (code !== 0) throw new Error(`producer exited ${code}`)
  return JSON.parse(out.trim().split('\n').at(-1))
}

/** Starts `cdp-analytics forward` for `stream`; resolves once it reads. */
async function forwarder(stream, name) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'forward',
      server.url,
      '--stream',
      stream,
      '--consumer',
      name,
      '--stats-interval',
      '0',
      '--endpoint',
      sink.url,
      '--write-key',
      'bench',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (/^forwarding /m.test(out)) resolve()
    })
    child.once('close', (code) => reject(new Error(`forwarder exited ${code}: ${out}`)))
  })
  // What it used to start (loading modules, connecting) is not the drain's.
  const startCpu = cpuSeconds(child.pid)
  return {
    cpu: () => cpuSeconds(child.pid) - startCpu,
    stop: async () => {
      const closed = once(child, 'close')
      child.kill('SIGTERM')
      await closed
      return out
    },
  }
}

/**
 * Polls the sink until it holds `total` events, or nothing new came for `quietMs`; then asks once
 * for the latency percentiles (sorting every latency on each poll would slow the sink itself).
 */
async function sinkHolds(total, quietMs = 10_000) {
  let last = -1
  let since = Date.now()
  for (;;) {
    const stats = await sink.call({ cmd: 'stats' })
    if (stats.unique >= total) return sink.call({ cmd: 'stats', until: Date.now() + 60_000 })
    if (stats.unique !== last) {
      last = stats.unique
      since = Date.now()
    } else if (Date.now() - since > quietMs) return sink.call({ cmd: 'stats', until: Date.now() + 60_000 })
    await sleep(100)
  }
}

let streams = 0
const fresh = (label) => `bench:${label}:${++streams}`

const producerRuns = []
const drainRuns = []
if (parts.has('producer') || parts.has('drain')) {
  for (let round = 0; round < rounds; round++) {
    // Each round fills a stream per drain (one forwarder, then two; the order alternates by round).
    for (const count of parts.has('drain') ? (round % 2 === 0 ? [1, 2] : [2, 1]) : [0]) {
      const stream = fresh('fill')
      const result = await produce(stream, { mode: 'paced', n })
      const run = { ...result, perSecond: (result.accepted / (result.lastOutcomeAt - result.startAt)) * 1000 }
      producerRuns.push(run)
      console.error(
        `producer r${round}: ${fmt.int(run.accepted)} accepted in ${fmt.s(run.lastOutcomeAt - run.startAt)} s (${fmt.int(run.perSecond)}/s), cpu ${fmt.s(run.cpuMs)} s, failed ${JSON.stringify(run.failed)}`,
      )
      if (count === 0) continue
      const entries = await admin.xlen(stream)
      await sink.call({ cmd: 'reset', n, rttMs: 0 })
      const before = { at: Date.now(), redis: cpuSeconds(server.pid), sink: cpuSeconds(sink.pid), machine: machineCpuSeconds() }
      const forwarders = await Promise.all(Array.from({ length: count }, (_, i) => forwarder(stream, `bench-${round}-${count}-${i}`)))
      const stats = await sinkHolds(entries)
      // CPU from just before the forwarders started to the end of the drain (theirs since they were ready).
      const cpu = {
        windowMs: Date.now() - before.at,
        forwarders: forwarders.reduce((sum, f) => sum + f.cpu(), 0),
        redis: cpuSeconds(server.pid) - before.redis,
        sink: cpuSeconds(sink.pid) - before.sink,
        machine: machineCpuSeconds() - before.machine,
      }
      await Promise.all(forwarders.map((f) => f.stop()))
      const drainMs = stats.lastEventAt - stats.firstRequestAt
      const drain = {
        forwarders: count,
        entries,
        delivered: stats.unique,
        duplicates: stats.duplicates,
        drainMs,
        perSecond: (stats.unique / drainMs) * 1000,
        left: await admin.xlen(stream),
        requests: stats.requests,
        cpu,
      }
      drainRuns.push(drain)
      console.error(
        `drain r${round} x${count}: ${fmt.int(drain.delivered)}/${fmt.int(entries)} in ${fmt.s(drainMs)} s (${fmt.int(drain.perSecond)}/s), ${drain.requests} requests, ${drain.duplicates} duplicates, ${drain.left} left; cpu s: forwarders ${cpu.forwarders.toFixed(2)}, redis ${cpu.redis.toFixed(2)}, sink ${cpu.sink.toFixed(2)}, whole machine ${cpu.machine.toFixed(2)}`,
      )
      await admin.del(stream)
    }
  }
}

const e2eRuns = []
const rate = Number(args.rate)
const seconds = Number(args.seconds)
const rttMs = Number(args.rtt)
if (parts.has('e2e')) {
  for (let round = 0; round < rounds; round++) {
    const stream = fresh('e2e')
    const total = rate * seconds
    await sink.call({ cmd: 'reset', n: total, rttMs })
    const f = await forwarder(stream, `e2e-${round}`)
    const result = await produce(stream, { mode: 'rate', rate, seconds })
    const stats = await sinkHolds(result.accepted)
    await f.stop()
    const run = {
      p50Ms: stats.p50Ms,
      p99Ms: stats.p99Ms,
      maxMs: stats.maxMs,
      lost: total - stats.unique,
      failed: result.failed,
      callsPerSecond: (total / (result.callsEndAt - result.startAt)) * 1000,
      requests: stats.requests,
    }
    e2eRuns.push(run)
    console.error(
      `e2e r${round}: p50 ${fmt.s(run.p50Ms)} s, p99 ${fmt.s(run.p99Ms)} s, max ${fmt.s(run.maxMs)} s, lost ${run.lost}, calls ${fmt.int(run.callsPerSecond)}/s, ${run.requests} requests`,
    )
    await admin.del(stream)
  }
}

admin.disconnect()
sink.stop()
await server.stop()

const markdown = render()
console.log(markdown)
if (!args['dry-run']) writeSection('redis', markdown)

function render() {
  const out = []
  const flags = process.argv.slice(2).filter((arg) => arg !== '--' && arg !== '--dry-run')
  out.push(`## Redis Streams (issue 19): ${new Date().toISOString().slice(0, 10)}`)
  out.push('')
  out.push(
    `- Command: \`pnpm --filter @cdp-analytics/bench bench:redis${flags.length ? ` ${flags.join(' ')}` : ''}\` (took ${((Date.now() - started) / 60000).toFixed(1)} min)`,
  )
  out.push(`- Machine: ${machine()}; redis-server ${redisVersion()} on 127.0.0.1, AOF on (appendfsync everysec)`)
  out.push(
    '- Every process is its own: the app (`track()` through `createRedisStreamTransport` over ioredis 6.1.0), each forwarder (`cdp-analytics forward`, defaults), redis-server and the sink (the API), all on these 2 cores. Events are the bench workload (about 470 bytes of JSON each in the stream).',
  )
  out.push('')
  const targets = []
  if (producerRuns.length) {
    const perSecond = median(producerRuns.map((r) => r.perSecond))
    out.push(`### Producer: ${fmt.int(n)} \`track()\` calls from one process, yielding every 100 (medians of ${producerRuns.length})`)
    out.push('')
    out.push(
      table(
        ['Round', 'Accepted by Redis', 'Seconds to the last outcome', 'Events/s', 'CPU s (app)', 'Failed'],
        producerRuns.map((r, i) => [
          String(i + 1),
          fmt.int(r.accepted),
          fmt.s(r.lastOutcomeAt - r.startAt),
          fmt.int(r.perSecond),
          fmt.s(r.cpuMs),
          Object.keys(r.failed).length ? JSON.stringify(r.failed) : '0',
        ]),
      ),
    )
    out.push('')
    targets.push([
      perSecond >= 20_000 && producerRuns.every((r) => r.accepted === n),
      `producer ≥ 20,000 events/s from one process: ${fmt.int(perSecond)}/s`,
    ])
  }
  if (drainRuns.length) {
    const of = (count) => drainRuns.filter((r) => r.forwarders === count)
    const one = median(of(1).map((r) => r.perSecond))
    const two = median(of(2).map((r) => r.perSecond))
    out.push(`### Drain: a stream of ${fmt.int(n)} entries to a local API answering at once (medians of ${of(1).length})`)
    out.push('')
    out.push(
      table(
        [
          'Forwarders',
          'Delivered',
          'Seconds',
          'Events/s (median)',
          'Runs (events/s)',
          'API requests',
          'Duplicates',
          'Left in the stream',
          'Cores busy: forwarders + Redis + sink',
          'Cores busy, whole machine',
          'Forwarder CPU µs/event',
        ],
        [1, 2].map((count) => [
          String(count),
          fmt.int(median(of(count).map((r) => r.delivered))),
          fmt.s(median(of(count).map((r) => r.drainMs))),
          fmt.int(median(of(count).map((r) => r.perSecond))),
          of(count)
            .map((r) => fmt.int(r.perSecond))
            .join(', '),
          fmt.int(median(of(count).map((r) => r.requests))),
          String(Math.max(...of(count).map((r) => r.duplicates))),
          String(Math.max(...of(count).map((r) => r.left))),
          cores(of(count)),
          median(of(count).map((r) => r.cpu.machine / (r.cpu.windowMs / 1000))).toFixed(2),
          fmt.us(median(of(count).map((r) => (r.cpu.forwarders * 1e6) / r.delivered))),
        ]),
      ),
    )
    out.push('')
    out.push(
      '"Cores busy" is CPU seconds from the forwarders\' start to the end of the drain, divided by that time (medians): of the processes of this run (/proc/<pid>/stat), and of every process of the machine (/proc/stat; other work on a shared machine shows as the difference). What one forwarder leaves of the 2 cores is what a second one can use. "Forwarder CPU µs/event" (all forwarders together, per event delivered) does not depend on how busy the machine is.',
    )
    out.push('')
    targets.push([one >= 30_000, `one forwarder drains ≥ 30,000 events/s: ${fmt.int(one)}/s`])
    targets.push([two >= 1.6 * one, `two forwarders ≥ 1.6× one: ${fmt.x(two / one)} (${fmt.int(two)}/s)`])
  }
  if (e2eRuns.length) {
    out.push(`### End to end: ${fmt.int(rate)} events/s for ${seconds} s, one app, one forwarder, the API ${rttMs} ms away`)
    out.push('')
    out.push(
      table(
        ['Round', 'Calls kept /s', 'p50 call-to-arrival s', 'p99 s', 'max s', 'API requests', 'Lost', 'Failed at the app'],
        e2eRuns.map((r, i) => [
          String(i + 1),
          fmt.int(r.callsPerSecond),
          fmt.s(r.p50Ms),
          fmt.s(r.p99Ms),
          fmt.s(r.maxMs),
          fmt.int(r.requests),
          String(r.lost),
          Object.keys(r.failed).length ? JSON.stringify(r.failed) : '0',
        ]),
      ),
    )
    out.push('')
    const p99 = median(e2eRuns.map((r) => r.p99Ms))
    const lost = Math.max(...e2eRuns.map((r) => r.lost))
    targets.push([
      p99 <= 500 && lost === 0,
      `end to end at ${fmt.int(rate)}/s, API ${rttMs} ms away: p99 ≤ 0.5 s, nothing lost: p99 ${fmt.s(p99)} s (median of rounds), lost ${lost}`,
    ])
  }
  out.push('### Targets of issue 19')
  out.push('')
  for (const [met, text] of targets) out.push(`- ${met ? '✅ met' : '❌ not met'}: ${text}`)
  return out.join('\n')
}

/** Median cores each kind of process kept busy during these drains, and their sum. */
function cores(runs) {
  const busy = (key) => median(runs.map((r) => r.cpu[key] / (r.cpu.windowMs / 1000)))
  const [f, r, s] = [busy('forwarders'), busy('redis'), busy('sink')]
  return `${f.toFixed(2)} + ${r.toFixed(2)} + ${s.toFixed(2)} = ${(f + r + s).toFixed(2)}`
}

function redisVersion() {
  return /v=(\S+)/.exec(server.log())?.[1] ?? /Redis version=(\S+)/.exec(server.log())?.[1] ?? 'unknown'
}
